"""The book's number formats (seto2018.text)."""
import pytest

from seto2018.text import interval, p_value, percent


@pytest.mark.parametrize("p, shown", [(0.0004, "p < 0.001"), (0.001, "p = 0.001"),
                                      (0.0342, "p = 0.034"), (0.41, "p = 0.41"),
                                      (1.0, "p = 1.00")])
def test_p_value(p, shown):
    assert p_value(p) == shown


@pytest.mark.parametrize("bad", [-0.1, 1.2, float("nan")])
def test_p_value_refuses_what_is_not_a_probability(bad):
    with pytest.raises(ValueError, match="between 0 and 1"):
        p_value(bad)


def test_interval_and_percent():
    assert interval(1.214, 3.4) == "95% CI [1.21, 3.40]"
    assert interval(0.041, 0.0982, as_percent=True) == "95% CI [4.1%, 9.8%]"
    assert percent(0.1234) == "12.3%"
    with pytest.raises(ValueError, match="above"):
        interval(2, 1)


@pytest.mark.parametrize("p, options, shown", [
    (0.00243, dict(digits=4), "p = 0.0024"),
    (3e-5, dict(digits=4), "p < 0.0001"),
    (0.41, dict(digits=4), "p = 0.4100"),
    (3.2e-8, dict(exact=True), "p = 3.2e-08"),
    (0.034, dict(exact=True), "p = 0.034"),
])
def test_p_value_options(p, options, shown):
    assert p_value(p, **options) == shown


def test_p_value_needs_a_decimal():
    with pytest.raises(ValueError, match="digits=0"):
        p_value(0.5, 0)
