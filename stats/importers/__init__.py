"""One reader per file layout. Each reader returns Parsed datasets and rows, or raises
StatsImportError naming the file, line, column and reason; stats.services writes them."""

from stats.importers import curated, publishers
from stats.importers.base import Parsed, Row, StatsImportError

READERS = {
    "mou-arrivals": curated.read_mou_arrivals,
    "mou-breakdowns": curated.read_mou_breakdowns,
    "unhcr-curated": curated.read_unhcr_curated,
    "bilateral-curated": curated.read_bilateral_curated,
    "unhcr-export": publishers.read_unhcr_export,
    "wb-matrix-2013": publishers.read_wb_matrix_2013,
    "undesa-2019": publishers.read_undesa_2019,
    "undesa-2020": publishers.read_undesa_2020,
}

__all__ = ["READERS", "Parsed", "Row", "StatsImportError"]
