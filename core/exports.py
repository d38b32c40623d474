"""Exports to Excel (XLSX) and CSV: one writer for every list.

The writer takes column headers and rows of plain values. It writes times in WIB,
headers and labels in Indonesian (the unit's reporting language, whatever the
language of the screen), and neutralises text that a spreadsheet would run as a
formula (a cell starting with =, +, -, @, a tab or a carriage return gets a leading
apostrophe; OWASP "CSV injection"). CSV streams row by row; XLSX is built in
openpyxl's write-only mode (rows go to a temporary file, not into memory).

The patrol list (patrols.exports) and the aspiration inbox (aspirations.exports)
give it their columns and rows.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


# What a cell holds once _plain() has read a value.
Cell = str | int | float | decimal.Decimal | datetime.date


def _plain(value: object) -> Cell:
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


def _csv_text(value: object) -> str:
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


def csv_lines(*, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text line by line (UTF-8 with a byte-order mark, so Excel reads the accents right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(_headers(columns))
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            yield writer.writerow([_csv_text(value) for value in row])


def csv_response(
    *, filename: str, columns: Sequence[Column], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """Stream rows as CSV."""
    response = StreamingHttpResponse(csv_lines(columns=columns, rows=rows), content_type=CONTENT_TYPES[CSV])
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_xlsx(
    output: str | Path | IO[bytes], *, sheet: str, columns: Sequence[Column], rows: Iterable[Sequence[object]]
) -> None:
    """Write rows to one worksheet of `output` (a path or a binary file): bold, frozen header
    row; dates as real Excel dates. openpyxl's write-only mode keeps rows on disk, not in memory."""
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
    workbook.save(output)


def xlsx_response(
    *, filename: str, sheet: str, columns: Sequence[Column], rows: Iterable[Sequence[object]]
) -> FileResponse:
    # Spooled: small files stay in memory, big ones go to disk until sent.
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(output, sheet=sheet, columns=columns, rows=rows)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"{filename}.xlsx", content_type=CONTENT_TYPES[XLSX])


def _xlsx_cell(worksheet: Any, value: object) -> object:
    value = _plain(value)
    # Text is appended as it is: openpyxl takes only a leading "=" for a formula, and
    # _plain() has already put an apostrophe before any.
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = XLSX_DATETIME
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(worksheet, value=value)  # type: ignore[arg-type]  # openpyxl takes dates; its stubs do not say so
        cell.number_format = XLSX_DATE
        return cell
    return value


@dataclass(frozen=True)
class ExportFile:
    """What an export writes: its name (without extension), sheet, columns, rows and their number."""

    filename: str
    sheet: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    count: int = 0  # the number of rows, when known (a background export shows its progress)


def export_response(file_format: str, export: ExportFile) -> StreamingHttpResponse | FileResponse:
    if file_format == CSV:
        return csv_response(filename=export.filename, columns=export.columns, rows=export.rows)
    return xlsx_response(filename=export.filename, sheet=export.sheet, columns=export.columns, rows=export.rows)


def write_export(output: IO[bytes], file_format: str, export: ExportFile) -> None:
    """Write the export into the binary file `output` (a background export's file)."""
    if file_format == CSV:
        text = io.TextIOWrapper(output, encoding="utf-8", newline="")
        text.writelines(csv_lines(columns=export.columns, rows=export.rows))
        text.flush()
        text.detach()  # `output` stays open for its owner
        return
    write_xlsx(output, sheet=export.sheet, columns=export.columns, rows=export.rows)


def too_many(queryset: QuerySet[Any]) -> bool:
    """More than MAX_ROWS rows? One query that stops reading at the limit."""
    return queryset.order_by()[MAX_ROWS : MAX_ROWS + 1].exists()


def too_big_for_a_request(queryset: QuerySet[Any]) -> bool:
    """More than KRK_EXPORT_IMMEDIATE_ROWS rows: made by a background job, not in the request."""
    limit = settings.KRK_EXPORT_IMMEDIATE_ROWS
    return queryset.order_by()[limit : limit + 1].exists()


def labels(choices: Any) -> dict[str, str]:
    """A TextChoices' labels in the active language, for looking up row after row."""
    return {value: str(label) for value, label in choices.choices}


def stamped(name: str) -> str:
    """A file name with the local time: patroli-20240520-1430."""
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}"
