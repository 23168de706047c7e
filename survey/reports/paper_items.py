"""The items of the paper questionnaire: one renderer per item type, and grids of scales.

``RENDERERS`` maps an item type to the function that draws its answer room; a type not in it
prints as ``unknown_item`` (its options to tick, or a box to write in), so a questionnaire
with a new type still prints. Three or more items in a row on the same scale print as one
grid: a row per item, a column per answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from flask_babel import gettext as _

from ..questionnaire import Item, Questionnaire, Texts, builtin, text
from ..questionnaire.conditions import All, AnyOf, Condition, Is
from .pdf.layout import MUTED, WIDTH, quoted

LEFT = 15
#: Where the question text starts: the question number stands in the room before it.
INDENT = 24
TEXT_WIDTH = LEFT + WIDTH - INDENT
#: Checkboxes big enough to tick with a shaky hand (mm).
BOX = 5.5
LINE = 6
#: Items on one scale that print as a grid instead of one by one.
GRID_FROM = 3


def on_paper(
    locale: str,
    web: Texts | None,
    paper: Texts | None = None,
    shipped: tuple[Texts | None, Texts | None] = (None, None),
) -> str:
    """A text as printed: its paper wording (``paper_intro``, ``paper_hint``) if given, else
    the shipped version 1's paper wording of the same web text, else the web text.

    A database keeps the version 1 it recorded, which may be older than the paper wordings;
    a later version that keeps version 1's wording of a hint keeps its paper wording too.
    ``shipped`` is version 1's (web, paper) pair of the same text.
    """
    if paper:
        return text(paper, locale)
    words = text(web, locale)
    shipped_web, shipped_paper = shipped
    if words and shipped_paper and words == text(shipped_web, locale):
        return text(shipped_paper, locale)
    return words


def _rule(item: Item) -> Condition | None:
    """When the item is asked: its condition (``show_if``), or version 1's ``only_if``."""
    if item.condition is not None:
        return item.condition
    rule = getattr(item, "only_if", None)
    if not isinstance(rule, Mapping) or not rule:
        return None
    return All(
        tuple(
            Is(code, frozenset(wanted if isinstance(wanted, list | tuple) else [wanted]))
            for code, wanted in rule.items()
        )
    )


def _clauses(rule: Condition | None) -> tuple[bool, tuple[Is, ...]] | None:
    """A rule the paper form can say in one sentence: one answer, all of several (True: "and")
    or any of several (False: "or"); None for anything else ("not", "and" inside "or")."""
    if isinstance(rule, Is):
        return True, (rule,)
    if isinstance(rule, All | AnyOf) and rule.conditions:
        parts = tuple(c for c in rule.conditions if isinstance(c, Is))
        if len(parts) == len(rule.conditions):
            return isinstance(rule, All), parts
    return None


def _scale(item: Item) -> Any:
    """What items must share to stand in one grid (None: this item prints on its own)."""
    if (
        item.type != "single"
        or not item.options
        or _rule(item) is not None
        or item.hint
        or item.paper_hint
    ):
        return None
    return tuple((o.value, tuple(sorted(o.label.items()))) for o in item.options)


def print_runs(items: Iterable[Item]) -> Iterator[list[Item]]:
    """The items in order: a grid's items together, every other item on its own."""
    run: list[Item] = []
    for item in items:
        if run and _scale(item) is not None and _scale(item) == _scale(run[0]):
            run.append(item)
            continue
        yield from _split(run)
        run = [item]
    yield from _split(run)


def _split(run: list[Item]) -> Iterator[list[Item]]:
    if len(run) >= GRID_FROM:
        yield run
    else:
        yield from ([item] for item in run)


class Writer:
    """Draws the items of one questionnaire in one language, numbered from 1."""

    def __init__(self, questionnaire: Questionnaire, locale: str) -> None:
        self.questionnaire = questionnaire
        self.locale = locale
        self.numbers = {code: i for i, code in enumerate(questionnaire.codes, start=1)}

    def label(self, texts: Mapping[str, str] | None) -> str:
        return text(texts, self.locale)

    def hint(self, item: Item) -> str:
        """The item's hint as printed (its paper wording, if there is one).

        A web hint of an item whose skip rule prints in words is left out: on the web it tells
        when to answer ("Answer only if you answered yes to the previous question."), which the
        rule above the question says on paper, naming the question. A paper wording prints.
        """
        shipped = builtin(1)
        if item.code in shipped.codes:
            twin = shipped.item(item.code)
            words = on_paper(self.locale, item.hint, item.paper_hint, (twin.hint, twin.paper_hint))
        else:
            words = on_paper(self.locale, item.hint, item.paper_hint)
        if self.states_rule(item) and not item.paper_hint and words == self.label(item.hint):
            return ""
        return words

    def states_rule(self, item: Item) -> bool:
        """Whether the item's skip rule prints with the answers and questions it names."""
        clauses = _clauses(_rule(item))
        return clauses is not None and all(clause.code in self.numbers for clause in clauses[1])

    def question(self, item: Item) -> str:
        return self.label(item.label) + (" *" if item.required else "")

    def answer(self, code: str, value: Any) -> str:
        options = {o.value: self.label(o.label) for o in self.questionnaire.item(code).options}
        return quoted(options.get(str(value), str(value)))

    def condition(self, item: Item) -> str:
        """The skip rule in words, e.g. "If you answered “Yes” to question 14:"."""
        rule = _rule(item)
        if rule is None:
            return ""
        clauses = _clauses(rule)
        if clauses is None or not self.states_rule(item):
            return _("Answer this question only if it applies to you.")
        every, parts = clauses
        said = []
        for clause in parts:
            # The answers in the order the question lists them.
            values = [o.value for o in self._options(clause.code) if o.value in clause.values]
            values += sorted(clause.values - set(values))
            answers = f" {_('or')} ".join(self.answer(clause.code, v) for v in values)
            said.append(
                _(
                    "you answered %(answer)s to question %(number)d",
                    answer=answers,
                    number=self.numbers[clause.code],
                )
            )
        joint = _("and") if every else _("or")
        return _("If %(conditions)s:", conditions=f" {joint} ".join(said))

    def _options(self, code: str) -> tuple[Any, ...]:
        return self.questionnaire.item(code).options

    def run(self, pdf: Any, items: list[Item]) -> None:
        """Print items from ``print_runs``: a grid, or one item kept on one page."""
        if len(items) > 1:
            self.grid(pdf, items)
            return
        with pdf.offset_rendering() as trial:
            self._item(trial, items[0])
        if trial.page_break_triggered:
            pdf.add_page()
        self._item(pdf, items[0])

    def opening(self, pdf: Any, items: list[Item]) -> None:
        """What a heading is kept with: the whole item, or a grid's heads and first row."""
        if len(items) > 1:
            self.grid(pdf, items[:1])
        else:
            self._item(pdf, items[0])

    def _item(self, pdf: Any, item: Item) -> None:
        pdf.ln(2)
        start = _start(pdf)
        if condition := self.condition(item):
            pdf.set_font("DejaVu", "I", 10)
            pdf.set_x(_mx(pdf, INDENT, TEXT_WIDTH))
            pdf.multi_cell(TEXT_WIDTH, 5, condition, align=start, new_x="LMARGIN", new_y="NEXT")
        top = pdf.get_y()
        pdf.set_font("DejaVu", "B", 11.5)
        pdf.set_x(_mx(pdf, LEFT, INDENT - LEFT))
        pdf.cell(INDENT - LEFT, LINE, f"{self.numbers[item.code]}.", align=start)
        pdf.set_xy(_mx(pdf, INDENT, TEXT_WIDTH), top)
        pdf.multi_cell(
            TEXT_WIDTH, LINE, self.question(item), align=start, new_x="LMARGIN", new_y="NEXT"
        )
        if hint := self.hint(item):
            small(pdf, hint)
        pdf.ln(1.5)
        RENDERERS.get(item.type, unknown_item)(self, pdf, item)
        pdf.ln(2)

    def grid(self, pdf: Any, items: list[Item]) -> None:
        """Items on one scale: the answers as column heads, a row of boxes per item."""
        heads = [self.label(option.label) for option in items[0].options]
        column = min(20.0, (TEXT_WIDTH - 52) / len(heads))
        label_width = TEXT_WIDTH - column * len(heads)
        pdf.set_font("DejaVu", size=8.5)
        head_height = 4 * max(_lines(pdf, column - 1, head, 4) for head in heads) + 2
        pdf.room(head_height + 30)

        def draw_heads() -> None:
            top = pdf.get_y() + 1
            pdf.set_font("DejaVu", size=8.5)
            for i, head in enumerate(heads):
                pdf.set_xy(_mx(pdf, INDENT + label_width + i * column, column - 1), top)
                pdf.multi_cell(column - 1, 4, head, align="C")
            pdf.set_y(top + head_height)
            pdf.line(LEFT, pdf.get_y(), LEFT + WIDTH, pdf.get_y())

        pdf.ln(1)
        draw_heads()
        for row, item in enumerate(items):
            pdf.set_font("DejaVu", size=10.5)
            label = self.question(item)
            height = max(5 * _lines(pdf, label_width - 2, label, 5), BOX) + 4
            if pdf.get_y() + height > pdf.page_break_trigger:
                pdf.add_page()
                draw_heads()
            top = pdf.get_y()
            if row % 2:
                pdf.set_fill_color(238)
                pdf.rect(LEFT, top, WIDTH, height, style="F")
            pdf.set_xy(_mx(pdf, LEFT, INDENT - LEFT), top + 2)
            pdf.set_font("DejaVu", "B", 10.5)
            pdf.cell(INDENT - LEFT, 5, f"{self.numbers[item.code]}.", align=_start(pdf))
            pdf.set_font("DejaVu", size=10.5)
            pdf.set_xy(_mx(pdf, INDENT, label_width - 2), top + 2)
            pdf.multi_cell(label_width - 2, 5, label, align=_start(pdf))
            for i in range(len(heads)):
                x = INDENT + label_width + i * column + (column - 1 - BOX) / 2
                pdf.set_fill_color(255)
                pdf.rect(_mx(pdf, x, BOX), top + (height - BOX) / 2, BOX, BOX, style="DF")
            pdf.set_xy(LEFT, top + height)
        pdf.ln(3)


def _start(pdf: Any) -> str:
    """Where lines start: at the left, or at the right on a right-to-left form."""
    return "R" if getattr(pdf, "rtl", False) else "L"


def _mx(pdf: Any, x: float, width: float) -> float:
    """A left edge as laid out left to right, mirrored on a right-to-left form."""
    return pdf.w - x - width if getattr(pdf, "rtl", False) else x


def _lines(pdf: Any, width: float, words: str, height: float) -> int:
    return len(pdf.multi_cell(width, height, words, dry_run=True, output="LINES"))


def small(pdf: Any, words: str, italic: bool = False) -> None:
    """A hint or an instruction under the question, smaller and grey."""
    pdf.set_font("DejaVu", "I" if italic else "", 9.5)
    pdf.set_text_color(*MUTED)
    pdf.set_x(_mx(pdf, INDENT, TEXT_WIDTH))
    pdf.multi_cell(TEXT_WIDTH, 4.8, words, align=_start(pdf), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)


def tick_boxes(pdf: Any, names: list[str]) -> None:
    """A checkbox before each name: all on one line if they fit, else one a line."""
    pdf.set_font("DejaVu", size=11)
    widths = [pdf.get_string_width(name) + BOX + 9 for name in names]
    if sum(widths) <= TEXT_WIDTH:
        rows, columns = [names], widths
    else:
        rows, columns = [[name] for name in names], [TEXT_WIDTH]
    for row in rows:
        top, bottom, x = pdf.get_y(), pdf.get_y() + BOX, INDENT
        for name, width in zip(row, columns, strict=False):
            pdf.rect(_mx(pdf, x, BOX), top + (LINE - BOX) / 2, BOX, BOX)
            pdf.set_xy(_mx(pdf, x + BOX + 2.5, width - BOX - 4), top)
            pdf.multi_cell(
                width - BOX - 4, LINE, name, align=_start(pdf), new_x="LEFT", new_y="NEXT"
            )
            bottom = max(bottom, pdf.get_y())
            x += width
        pdf.set_xy(LEFT, bottom + 1.5)


def write_box(pdf: Any, lines: int, width: float = TEXT_WIDTH) -> None:
    """A framed box with faint lines to write on."""
    top, height = pdf.get_y(), lines * 8
    left = _mx(pdf, INDENT, width)
    pdf.rect(left, top, width, height)
    pdf.set_draw_color(190)
    for i in range(1, lines):
        pdf.line(left + 3, top + i * 8, left + width - 3, top + i * 8)
    pdf.set_draw_color(0)
    pdf.set_xy(LEFT, top + height + 1)


def choice_item(writer: Writer, pdf: Any, item: Item) -> None:
    if item.type == "multi" and not writer.hint(item):
        if item.max_choices:
            hint = _("Tick at most %(n)d.", n=item.max_choices)
        else:
            hint = _("Tick all that apply.")
        small(pdf, hint, italic=True)
        pdf.ln(1)
    tick_boxes(pdf, [writer.label(option.label) for option in item.options])


def text_item(_writer: Writer, pdf: Any, item: Item) -> None:
    # About 150 characters of handwriting a line: 1000 characters get 7 lines.
    write_box(pdf, max(3, min(8, round((item.max_length or 300) / 150))))


def number_item(_writer: Writer, pdf: Any, _item: Item) -> None:
    write_box(pdf, 1, width=40)


def unknown_item(writer: Writer, pdf: Any, item: Item) -> None:
    """A type this module does not know: its options to tick, or else a box to write in."""
    if item.options:
        tick_boxes(pdf, [writer.label(option.label) for option in item.options])
    else:
        write_box(pdf, 3)


#: How each item type prints; a new type adds its renderer here (others: ``unknown_item``).
RENDERERS: dict[str, Callable[[Writer, Any, Item], None]] = {
    "single": choice_item,
    "multi": choice_item,
    "text": text_item,
    "number": number_item,
}
