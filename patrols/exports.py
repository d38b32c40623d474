"""Exports to Excel (XLSX) and CSV: one writer for every list, and the patrol list's rows.

The writer takes column headers and rows of plain values. It writes times in WIB,
headers and labels in Indonesian (the unit's reporting language, whatever the
language of the screen), and neutralises text that a spreadsheet would run as a
formula (a cell starting with =, +, -, @, a tab or a carriage return gets a leading
apostrophe; OWASP "CSV injection"). CSV streams row by row; XLSX is built in
openpyxl's write-only mode (rows go to a temporary file, not into memory).

The aspiration inbox's export (aspirations app) uses the same writer.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Aggregate, CharField, OuterRef, Subquery
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import ImbauanTopic, Officer, Patrol, PatrolMode, PatrolType, Situation, Village

CSV = "csv"
XLSX = "xlsx"
FORMATS = (XLSX, CSV)
# Beyond this many rows an export is refused ("narrow the filter"): a spreadsheet of a
# whole Polres year helps nobody, and the request must stay short.
MAX_ROWS = 50_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
XLSX_DATETIME = "dd-mm-yyyy hh:mm"
XLSX_DATE = "dd-mm-yyyy"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    header: str | Promise
    width: int = 14  # in Excel's character widths


def neutralise(text: str) -> str:
    """Text a spreadsheet must show, never evaluate: "=HYPERLINK(...)" -> "'=HYPERLINK(...)"."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _plain(value):
    """A cell value: aware times in WIB without tzinfo, lazy strings as text, None as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, int | float | decimal.Decimal | datetime.date):
        return value
    return neutralise(str(value))


def _csv_text(value) -> str:
    value = _plain(value)
    if isinstance(value, datetime.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _headers(columns: Sequence[Column]) -> list[str]:
    with translation.override(settings.LANGUAGE_CODE):
        return [str(column.header) for column in columns]


def csv_response(*, filename: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """Stream rows as CSV (UTF-8 with a byte-order mark, so Excel reads the accents right)."""
    headers = _headers(columns)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(headers)
        with translation.override(settings.LANGUAGE_CODE):
            for row in rows:
                yield writer.writerow([_csv_text(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type=CONTENT_TYPES[CSV])
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(*, filename: str, sheet: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> FileResponse:
    """Write rows to one worksheet (bold, frozen header row; dates as real Excel dates)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header_cells = []
    for header in _headers(columns):
        cell = WriteOnlyCell(worksheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    worksheet.append(header_cells)
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            worksheet.append([_xlsx_cell(worksheet, value) for value in row])
    # Spooled: small files stay in memory, big ones go to disk until sent.
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"{filename}.xlsx", content_type=CONTENT_TYPES[XLSX])


def _xlsx_cell(worksheet, value):
    value = _plain(value)
    # Text is appended as it is: openpyxl takes only a leading "=" for a formula, and
    # _plain() has already put an apostrophe before any.
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = XLSX_DATETIME
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = XLSX_DATE
        return cell
    return value


def export_response(
    file_format: str, *, filename: str, sheet: str, columns: Sequence[Column], rows: Iterable[Sequence]
):
    if file_format == CSV:
        return csv_response(filename=filename, columns=columns, rows=rows)
    return xlsx_response(filename=filename, sheet=sheet, columns=columns, rows=rows)


def too_many(queryset) -> bool:
    """More than MAX_ROWS rows? One query that stops reading at the limit."""
    return queryset.order_by()[MAX_ROWS : MAX_ROWS + 1].exists()


def labels(choices) -> dict[str, str]:
    """A TextChoices' labels in the active language, for looking up row after row."""
    return {value: str(label) for value, label in choices.choices}


def stamped(name: str) -> str:
    """A file name with the local time: patroli-20240520-1430."""
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}"


# ------------------------------------------------------------------------------ patrols


class IdList(Aggregate):
    """Comma-separated ids of a group, e.g. a patrol's members: GROUP_CONCAT / STRING_AGG."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(CAST(%(expressions)s AS text), ',')",
            **extra_context,
        )


def _ids(through_model, owner: str, item: str) -> Subquery:
    grouped = (
        through_model.objects.filter(**{owner: OuterRef("pk")})
        .order_by()
        .values(owner)
        .annotate(ids=IdList(item))
        .values("ids")
    )
    return Subquery(grouped, output_field=CharField())


PATROL_COLUMNS = [
    Column(_("Patrol no."), 10),
    Column(_("Start (WIB)"), 17),
    Column(_("End (WIB)"), 17),
    Column(_("Type"), 22),
    Column(_("Mode"), 14),
    Column(_("Village"), 14),
    Column(pgettext_lazy("patrol", "Place"), 28),
    Column(_("Team leader"), 26),
    Column(_("Team leader's NRP"), 12),
    Column(_("Other officers"), 34),
    Column(_("Tiga pilar and others"), 28),
    Column(_("Residents met"), 10),
    Column(_("Imbauan kamtibmas"), 34),
    Column(_("Situation"), 18),
    Column(_("Activity"), 50),
    Column(_("Findings"), 40),
    Column(_("Actions taken"), 40),
    Column(_("Latitude"), 11),
    Column(_("Longitude"), 11),
    Column(_("Logged by"), 26),
    Column(_("Logged at (WIB)"), 17),
]


def patrol_rows(queryset) -> Iterator[list]:
    """The rows of a patrol export, in the list's order: four queries in all, whatever the size.

    Officers, villages and topics are read once into dictionaries (a unit has hundreds
    of officers, not millions); members and topics come with each patrol as id lists
    computed by the database; the patrols stream through `.iterator()`. Labels and
    names are looked up once too: get_FOO_display() and display_name per row would
    cost more than the rest of the row together.
    """
    officers = {
        officer.pk: (officer.display_name, officer.nrp)
        for officer in Officer.objects.only("username", "first_name", "last_name", "rank", "nrp")
    }
    names_of_officers = {pk: name for pk, (name, _) in officers.items()}
    villages = dict(Village.objects.values_list("pk", "name"))
    topics = dict(ImbauanTopic.objects.values_list("pk", "name"))
    types, modes, situations = (labels(choices) for choices in (PatrolType, PatrolMode, Situation))
    patrols = (
        queryset.select_related(None)
        .prefetch_related(None)
        .annotate(
            member_ids=_ids(Patrol.members.through, "patrol_id", "officer_id"),
            topic_ids=_ids(Patrol.topics.through, "patrol_id", "imbauantopic_id"),
        )
        .order_by("-started_at", "-pk")
    )

    def names(ids: str | None, lookup: dict) -> str:
        found = (lookup.get(int(pk)) for pk in (ids or "").split(",") if pk)
        return ", ".join(sorted(name for name in found if name is not None))

    nobody = ("", "")
    for patrol in patrols.iterator(chunk_size=2000):
        leader_name, leader_nrp = officers.get(patrol.leader_id, nobody)
        yield [
            patrol.pk,
            patrol.started_at,
            patrol.ended_at,
            types.get(patrol.patrol_type, patrol.patrol_type),
            modes.get(patrol.mode, patrol.mode),
            villages.get(patrol.village_id, ""),
            patrol.place,
            leader_name,
            leader_nrp,
            names(patrol.member_ids, names_of_officers),
            patrol.partners,
            patrol.residents_met,
            names(patrol.topic_ids, topics),
            situations.get(patrol.situation, patrol.situation),
            patrol.summary,
            patrol.findings,
            patrol.actions,
            patrol.latitude,
            patrol.longitude,
            officers.get(patrol.created_by_id, nobody)[0],
            patrol.created_at,
        ]


def patrol_export(queryset, file_format: str):
    """The patrols of `queryset` (already scoped and filtered) as a file download."""
    return export_response(
        file_format,
        filename=stamped("patroli"),
        sheet="Patroli",
        columns=PATROL_COLUMNS,
        rows=patrol_rows(queryset),
    )
