"""The one façade the window and the command line call, and the plain result types they use.

`Workspace` opens a catalog in a mode and offers status, plan, sync, archive, the journal and a client
reset; `verify_key_with_stripe` checks a key before it is saved. Everything else here is plain, frozen
data handed back by those calls. Callers import from this package only, never from `core.catalog`,
`core.engine` or `core.reconcile` (enforced for `gui/` by its ruff.toml).
"""

from core.catalog.db import mask_url
from core.catalog.errors import ImportFileError
from core.catalog.journal import JournalEntry
from core.catalog.records import CatalogRecord
from core.domain.models import SELL_STATUSES, StripeSyncResult, SyncSummary
from core.domain.money import format_money
from core.engine.types import (
    AccountInfo,
    CancelToken,
    FieldDiff,
    Operation,
    ProductPlan,
    ProgressCallback,
    ProgressEvent,
    SyncCancelledError,
)
from core.reconcile.adopt import AdoptionPlan, Ambiguous, Match, PriceLink, Unsupported
from core.reconcile.modes import ModeComparison, ModeDifference
from core.reconcile.plan_words import changes_in_stripe, plan_sentence, plural
from core.reconcile.report import diff_records, operation_records
from core.reconcile.rows import OtherPrice, ProductRow, ProductState, VariantRow
from core.settings import Mode
from core.workspace.catalog_only import catalog_only_rows
from core.workspace.edit_values import (
    ChangedField,
    EditConflict,
    EditProblem,
    EditResult,
    InvalidEditError,
)
from core.workspace.facade import Workspace
from core.workspace.files import (
    CatalogLocation,
    ImportOutcome,
    catalog_location,
    create_catalog,
    export_catalog,
    export_differences,
    import_catalog,
)
from core.workspace.history import HistoryEntry, PricePeriod
from core.workspace.keycheck import verify_key_with_stripe
from core.workspace.mirroring import StripeChange, StripeRefresh
from core.workspace.opening import MODES, SANDBOX_KEY
from core.workspace.pulling import PulledField, PullResult, RefusedField

__all__ = [
    "ModeComparison",
    "ModeDifference",
    "AdoptionPlan",
    "CatalogLocation",
    "CatalogRecord",
    "ImportFileError",
    "ImportOutcome",
    "SELL_STATUSES",
    "ChangedField",
    "EditConflict",
    "EditProblem",
    "EditResult",
    "HistoryEntry",
    "InvalidEditError",
    "PricePeriod",
    "Ambiguous",
    "Match",
    "PriceLink",
    "Unsupported",
    "MODES",
    "SANDBOX_KEY",
    "AccountInfo",
    "CancelToken",
    "FieldDiff",
    "JournalEntry",
    "Mode",
    "Operation",
    "OtherPrice",
    "ProductPlan",
    "ProductRow",
    "ProductState",
    "ProgressCallback",
    "ProgressEvent",
    "PullResult",
    "PulledField",
    "RefusedField",
    "StripeChange",
    "StripeRefresh",
    "StripeSyncResult",
    "SyncCancelledError",
    "SyncSummary",
    "VariantRow",
    "Workspace",
    "catalog_location",
    "catalog_only_rows",
    "changes_in_stripe",
    "create_catalog",
    "diff_records",
    "export_catalog",
    "export_differences",
    "format_money",
    "import_catalog",
    "mask_url",
    "operation_records",
    "plan_sentence",
    "plural",
    "verify_key_with_stripe",
]
