"""Regenerate ``src/jixiao/documents/templates/report.docx``, the GB/T 9704-2012 template of the report.

Run ``.venv/bin/python scripts/make_template.py``. The output is byte-for-byte reproducible: python-docx
assembles the package (page setup, odd/even footers with the page number), the styles, settings and
font table are replaced by our own (not python-docx's defaults), and the zip is rewritten with fixed
timestamps. ``documents/docx.py`` fills the body; the style ids below are its contract with the template.

Layout: A4, margins 37/35/28/26 mm (top/bottom/left/right), 22 lines × 28 characters (line grid and
exact line spacing of 579 twips; characters 0.25 pt closer so 28 fit in 156 mm), 仿宋_GB2312 三号 body,
方正小标宋简体 二号 title, 黑体 / 楷体 headings, page numbers "— 1 —" in 宋体 四号 (odd pages right, even
pages left, one character in from the edge of the type area).
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Twips

OUT = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "documents" / "templates" / "report.docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = f'xmlns:w="{W_NS}"'

# Fonts: the official names; a fontconfig alias file maps them to installed fonts when rendering a PDF.
FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体", "宋体"

# Page geometry (twips): A4, GB/T 9704 margins; 版心 156 mm × 225 mm.
PAGE_W, PAGE_H = 11906, 16838
TOP, BOTTOM, LEFT, RIGHT = 2098, 1984, 1587, 1474
LINE_PITCH = 579  # 225 mm / 22 lines
# 28 characters of 16 pt need 448 pt but the type area is 442.2 pt wide: characters are drawn 0.25 pt
# closer (w:spacing -5 twentieths). A character grid (w:docGrid linesAndChars with a negative w:charSpace)
# would do it in Word, but LibreOffice then gives each 16 pt glyph two cells of 15.8 pt (15 per line).
CHAR_SPACING = -5
FOOTER = 1304  # the page number's line sits about 7 mm below the type area
HEADER = 851
ONE_CHAR_FOOTER = 280  # 一字 of 四号 (14 pt)

ALIASES = {  # used as w:altName in the font table: what Word/WPS may fall back to on Windows
    FANGSONG: "仿宋",
    XIAOBIAOSONG: SONGTI,
    HEITI: "SimHei",
    KAITI: "楷体_GB2312",
    SONGTI: "SimSun",
}


def fonts(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'


def size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


EXACT = f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/>'
SINGLE = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
# Title lines 35 pt apart and one body line after; off the line grid (LibreOffice would give a 22 pt line two).
TITLE_SPACING = f'<w:spacing w:before="0" w:after="{LINE_PITCH}" w:line="700" w:lineRule="exact"/>'
INDENT2 = '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
NO_INDENT = '<w:ind w:left="0" w:right="0" w:firstLineChars="0" w:firstLine="0"/>'
OFF_GRID = '<w:snapToGrid w:val="0"/>'
KEEP = "<w:keepNext/><w:keepLines/>"
NO_SQUEEZE = '<w:spacing w:val="0"/>'  # small text: no narrowed character spacing
BUILTIN = {"Normal", "Title", "Heading1", "Heading2", "Heading3", "Heading4", "Caption", "Signature", "Footer"}


def jc(value: str) -> str:
    return f'<w:jc w:val="{value}"/>'


def pstyle(sid: str, name: str, ppr: str = "", rpr: str = "", based: str = "Normal", body_next: bool = True) -> str:
    """A paragraph style (children in schema order: name, basedOn, next, qFormat, pPr, rPr)."""
    custom = int(sid not in BUILTIN)
    following = '<w:next w:val="Body"/>' if body_next else ""
    return (
        f'<w:style w:type="paragraph" w:customStyle="{custom}" w:styleId="{sid}"><w:name w:val="{name}"/>'
        f'<w:basedOn w:val="{based}"/>{following}<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'
    )


def heading(level: int, font: str, bold: bool) -> str:
    ppr = f'{KEEP}{EXACT}{INDENT2}<w:outlineLvl w:val="{level - 1}"/>'
    weight = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    return pstyle(f"Heading{level}", f"heading {level}", ppr, fonts(font) + weight + size(32))


PARAGRAPH_STYLES = [
    pstyle("Body", "公文正文", INDENT2),
    pstyle("Title", "Title", KEEP + OFF_GRID + TITLE_SPACING + jc("center"), fonts(XIAOBIAOSONG) + size(44)),
    pstyle("DocNote", "附件标注", NO_INDENT + jc("left"), fonts(HEITI) + size(32)),
    pstyle("CoverLine", "封面信息", INDENT2),
    heading(1, HEITI, False),
    heading(2, KAITI, False),
    heading(3, FANGSONG, True),
    heading(4, FANGSONG, False),
    pstyle("Note", "公文附注", INDENT2, size(28)),
    pstyle("Signature", "Signature", '<w:ind w:right="1280" w:rightChars="400" w:firstLine="0"/>' + jc("right")),
    pstyle("Caption", "caption", KEEP + NO_INDENT + jc("center"), fonts(HEITI) + size(28)),
    pstyle("TableText", "表格文字", OFF_GRID + SINGLE + NO_INDENT + jc("left"), NO_SQUEEZE + size(21), body_next=False),
    pstyle("TableHeader", "表格表头", "<w:keepNext/>" + jc("center"), fonts(HEITI) + size(21), "TableText", False),
    pstyle("TableAfter", "表后空行", OFF_GRID + '<w:spacing w:line="240" w:lineRule="exact"/>', size(16), "TableText"),
    pstyle("Footer", "footer", OFF_GRID + SINGLE + NO_INDENT, fonts(SONGTI) + NO_SQUEEZE + size(28), body_next=False),
]

STYLES = f"""<w:styles {NSDECL}>
<w:docDefaults>
<w:rPrDefault><w:rPr>{fonts(FANGSONG)}<w:kern w:val="2"/>{size(32)}
<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:widowControl w:val="0"/>{EXACT}<w:jc w:val="both"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>
<w:pPr><w:widowControl w:val="0"/>{EXACT}<w:jc w:val="both"/></w:pPr>
<w:rPr>{fonts(FANGSONG)}<w:spacing w:val="{CHAR_SPACING}"/>{size(32)}</w:rPr></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>
<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/>
<w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>
<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>
<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
{"".join(PARAGRAPH_STYLES)}
</w:styles>"""

SETTINGS = f"""<w:settings {NSDECL}><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>
<w:characterSpacingControl w:val="doNotCompress"/>
<w:compat><w:useFELayout/><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word"
w:val="15"/></w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>
<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>"""


def font_entry(name: str, alt: str, family: str) -> str:
    return (
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="fixed"/></w:font>'
    )


FONT_TABLE = (
    f"<w:fonts {NSDECL}>"
    + "".join(font_entry(n, a, "swiss" if n == HEITI else "modern") for n, a in ALIASES.items())
    + "</w:fonts>"
)


def page_number(odd: bool) -> str:
    """A footer paragraph "— PAGE —"; odd pages right-aligned, even pages left, one character in."""
    ind = f'<w:ind w:right="{ONE_CHAR_FOOTER}"/>' if odd else f'<w:ind w:left="{ONE_CHAR_FOOTER}"/>'
    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return (
        f'<w:p {NSDECL}><w:pPr><w:pStyle w:val="Footer"/>{ind}<w:jc w:val="{"right" if odd else "left"}"/></w:pPr>'
        f"{run.format('— ')}{field}{run.format(' —')}</w:p>"
    )


CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>jixiao</Application></Properties>"
)


def replace_children(element: object, xml: str) -> None:
    """Replace the children of a python-docx part's root element by those of ``xml``."""
    for child in list(element):  # type: ignore[call-overload]
        element.remove(child)  # type: ignore[attr-defined]
    for child in parse_xml(xml):
        element.append(child)  # type: ignore[attr-defined]


def drop_extras(document: docx.document.Document) -> None:
    """Drop python-docx's default parts we do not use (theme, numbering, thumbnails, Word 2010 styles…)."""
    keep = {RT.STYLES, RT.SETTINGS, RT.FONT_TABLE}
    part = document.part
    for rid, rel in list(part.rels.items()):
        if not rel.is_external and rel.reltype not in keep and rel.reltype not in (RT.HEADER, RT.FOOTER):
            del part.rels[rid]
    package = part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]


def page_setup(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.top_margin, section.bottom_margin = Twips(TOP), Twips(BOTTOM)
    section.left_margin, section.right_margin = Twips(LEFT), Twips(RIGHT)
    section.header_distance, section.footer_distance, section.gutter = Twips(HEADER), Twips(FOOTER), Twips(0)
    sect_pr = section._sectPr
    for grid in sect_pr.findall(f"{{{W_NS}}}docGrid"):
        sect_pr.remove(grid)
    grid_xml = f'<w:docGrid {NSDECL} w:type="lines" w:linePitch="{LINE_PITCH}"/>'
    sect_pr.append(parse_xml(grid_xml))
    for attr in list(sect_pr.attrib):
        del sect_pr.attrib[attr]  # rsids
    document.settings.odd_and_even_pages_header_footer = True
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        replace_children(footer._element, f"<w:ftr {NSDECL}>{page_number(odd)}</w:ftr>")


def properties(document: docx.document.Document) -> None:
    core = document.core_properties
    core.title, core.author, core.last_modified_by, core.comments = "部门整体支出绩效自评报告", "jixiao", "jixiao", ""
    core.revision = 1
    package = document.part.package
    app = next(rel.target_part for rel in package.rels.values() if rel.reltype == RT.EXTENDED_PROPERTIES)
    app._blob = APP.encode()
    custom = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, CUSTOM.encode(), package)
    package.relate_to(custom, RT.CUSTOM_PROPERTIES)


def strip_dates(core_xml: bytes) -> bytes:
    """Remove dcterms:created/modified so the template is reproducible."""
    from lxml import etree

    root = etree.fromstring(core_xml)
    for element in list(root):
        if etree.QName(element).localname in ("created", "modified", "lastPrinted"):
            root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def reproducible_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps and no creation dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = strip_dates(blob)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), blob, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build() -> bytes:
    document = docx.Document()
    drop_extras(document)
    replace_children(document.styles.element, STYLES)
    replace_children(document.settings.element, SETTINGS)
    font_part = document.part.part_related_by(RT.FONT_TABLE)
    font_part._blob = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + FONT_TABLE).encode()
    body = document.element.body
    for child in list(body):
        if child.tag != f"{{{W_NS}}}sectPr":
            body.remove(child)
    page_setup(document)
    properties(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(build())
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
