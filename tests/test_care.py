"""The care rules of the book (CONTRIBUTING.md, "Care"), read from every page's source."""
from __future__ import annotations

import colorsys
import re
from pathlib import Path

import pytest

from _book import cell_text
from seto2018 import charts

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
CONTENT_NOTE = CHAPTERS / "_content-note.md"
SYNTHETIC_NOTICE = CHAPTERS / "_synthetic-notice.md"

# The items of the report's itemised sexual-activity checklist (its Tables 2 and 4). The book
# uses the four group headings only; none of these may appear in any page.
CHECKLIST_ITEMS = [
    "erotica present", "fully clothed erotica", "exposed genitals", "exposed breasts", "fetish",
    "full nudity", "licking", "kissing", "manual stimulation", "oral copulation",
    "anal or vaginal", "ejaculation", "drugged", "bondage", "defecation", "urination",
]


def page_text(path: Path) -> str:
    """A page's source text: markdown as is; a notebook's cells joined."""
    return cell_text(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")


def code_text(path: Path) -> str:
    return cell_text(path, "code") if path.suffix == ".ipynb" else ""


def book_pages() -> list[Path]:
    pages = [p for p in ROOT.glob("*.md") if p.name != "README.md"]
    pages += [p for p in CHAPTERS.glob("*") if p.suffix in {".md", ".ipynb"}]
    return sorted(pages)


def chapter_pages() -> list[Path]:
    return sorted(p for p in CHAPTERS.glob("*") if p.suffix in {".md", ".ipynb"}
                  and not p.name.startswith("_"))


def includes(text: str, shared: Path) -> bool:
    return re.search(r"```\{include\}\s+\S*" + re.escape(shared.name), text) is not None


def test_there_are_chapters():
    assert chapter_pages(), "no chapters found under chapters/"


def test_shared_content_note_is_one_admonition_linking_to_support():
    note = CONTENT_NOTE.read_text(encoding="utf-8")
    assert note.count("{admonition} Content note") == 1
    assert "</support>" in note, "the content note must link to the Support and reporting page"


@pytest.mark.parametrize("page", chapter_pages(), ids=lambda p: p.name)
def test_every_chapter_opens_with_the_shared_content_note(page):
    text = page_text(page)
    assert includes(text, CONTENT_NOTE), f"{page.name} does not include {CONTENT_NOTE.name}"
    assert "{admonition} Content note" not in text, (
        f"{page.name} writes its own content note: include the shared one instead")
    before_first_section = text.split("\n## ", 1)[0]
    assert CONTENT_NOTE.name in before_first_section, (
        f"{page.name}: the content note must come before the first section")


def test_landing_page_carries_the_content_note():
    assert includes(page_text(ROOT / "intro.md"), CONTENT_NOTE)


@pytest.mark.parametrize("page", chapter_pages(), ids=lambda p: p.name)
def test_every_page_that_loads_case_data_says_it_is_synthetic(page):
    code = code_text(page)
    shows_case_data = re.search(r"\bload\(|\bgenerate\(|data/synthetic|\"synthetic\"", code)
    if shows_case_data:
        assert includes(page_text(page), SYNTHETIC_NOTICE), (
            f"{page.name} shows the synthetic case data but does not include {SYNTHETIC_NOTICE.name}")


def test_synthetic_notice_says_so():
    text = SYNTHETIC_NOTICE.read_text(encoding="utf-8").lower()
    assert "synthetic" in text and "not records of any real" in text


def test_support_page_lists_how_to_report():
    text = (ROOT / "support.md").read_text(encoding="utf-8")
    for needed in ("CyberTipline.org", "1-800-843-5678", "Local services"):
        assert needed in text, f"support.md lacks {needed!r}"


@pytest.mark.parametrize("page", book_pages(), ids=lambda p: p.name)
def test_no_itemised_activity_checklist(page):
    text = page_text(page).lower()
    found = [item for item in CHECKLIST_ITEMS if item in text]
    assert not found, f"{page.name} reproduces the report's itemised checklist: {found}"


@pytest.mark.parametrize("page", book_pages(), ids=lambda p: p.name)
def test_no_images_in_the_book(page):
    text = page_text(page)
    found = re.findall(r"!\[|<img\b|\{image\}|\{figure\}|image/png|image/jpeg", text)
    assert not found, f"{page.name} embeds an image ({found}): the book shows no images"


def test_legal_term_is_named_only_where_definitions_are_taught():
    using = [p.name for p in book_pages() if "child pornography" in page_text(p).lower()]
    others = [name for name in using if name != "glossary.md"]
    assert len(others) <= 1, f"'child pornography' appears outside the glossary in {others}"


def _hue_saturation(hex_colour: str) -> tuple[float, float]:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, _, saturation = colorsys.rgb_to_hls(r, g, b)
    return hue * 360, saturation


def test_chart_palette_has_no_alarm_red():
    reds = [c for c in charts.PALETTE
            if (lambda hs: hs[1] > 0.5 and (hs[0] < 15 or hs[0] > 345))(_hue_saturation(c))]
    assert not reds, f"the chart palette has red hues {reds}: no red-for-abuse colours"


def test_every_document_the_package_cites_is_in_the_repository():
    """A user who clones the book has every document the package's messages and docstrings
    send them to (the tests write throwaway pages of their own, so they are not read)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    cited = {}
    for path in [*root.glob("seto2018/*.py"), *root.glob("bench/*.py")]:
        for name in re.findall(r"\b([\w./-]+\.md)\b", path.read_text(encoding="utf-8")):
            cited.setdefault(name, path.name)
    missing = {name: where for name, where in cited.items()
               if not (root / name).exists() and not list(root.glob(f"**/{name}"))}
    assert not missing, f"cited but not in the repository: {missing}"
