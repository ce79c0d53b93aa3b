"""Rule implementations, one module per rule; each ``id`` matches ``rules/<id>.yaml``.

``IMPLEMENTATIONS`` maps rule id -> class. The meta rules (``syntax-error``,
``unreadable-file``, ``invalid-suppression``, ``unused-suppression``) are produced by the
engine and the suppression parser and have records but no class.
"""

from __future__ import annotations

from convexlint.records import META_RULES
from convexlint.rules.base import FileContext, ProjectContext, Rule
from convexlint.rules.explicit_table_ids import ExplicitTableIds
from convexlint.rules.http_action_cors import HttpActionCors
from convexlint.rules.http_endpoint_domain import HttpEndpointDomain
from convexlint.rules.http_options_preflight import HttpOptionsPreflight
from convexlint.rules.import_from_generated import ImportFromGenerated
from convexlint.rules.import_wrong_runtime import ImportWrongRuntime
from convexlint.rules.index_name_convention import IndexNameConvention
from convexlint.rules.invalid_args_validator import InvalidArgsValidator
from convexlint.rules.invalid_cron import InvalidCron
from convexlint.rules.invalid_function_path import InvalidFunctionPath
from convexlint.rules.invalid_http_route import InvalidHttpRoute
from convexlint.rules.invalid_index_definition import InvalidIndexDefinition
from convexlint.rules.invalid_table_name import InvalidTableName
from convexlint.rules.invalid_use_node_file import InvalidUseNodeFile
from convexlint.rules.no_client_action_call import NoClientActionCall
from convexlint.rules.no_collect_in_query import NoCollectInQuery
from convexlint.rules.no_collect_length import NoCollectLength
from convexlint.rules.no_db_in_action import NoDbInAction
from convexlint.rules.no_duplicate_indexes import NoDuplicateIndexes
from convexlint.rules.no_filter_after_collect import NoFilterAfterCollect
from convexlint.rules.no_filter_in_query import NoFilterInQuery
from convexlint.rules.no_floating_promises import NoFloatingPromises
from convexlint.rules.no_hardcoded_secrets import NoHardcodedSecrets
from convexlint.rules.no_manual_storage_url import NoManualStorageUrl
from convexlint.rules.no_n_plus_one import NoNPlusOne
from convexlint.rules.no_nondeterminism_in_query import NoNondeterminismInQuery
from convexlint.rules.no_old_registered_function_syntax import NoOldRegisteredFunctionSyntax
from convexlint.rules.no_process_env import NoProcessEnv
from convexlint.rules.no_run_action_in_mutation import NoRunActionInMutation
from convexlint.rules.no_run_in_query_mutation import NoRunInQueryMutation
from convexlint.rules.no_schema_import_cycle import NoSchemaImportCycle
from convexlint.rules.no_sequential_run_calls import NoSequentialRunCalls
from convexlint.rules.no_side_effects_in_query import NoSideEffectsInQuery
from convexlint.rules.no_top_of_hour_crons import NoTopOfHourCrons
from convexlint.rules.no_try_catch_in_function import NoTryCatchInFunction
from convexlint.rules.no_unexported_function import NoUnexportedFunction
from convexlint.rules.no_unknown_index import NoUnknownIndex
from convexlint.rules.no_unknown_table import NoUnknownTable
from convexlint.rules.no_unnecessary_run_action import NoUnnecessaryRunAction
from convexlint.rules.node_import_without_use_node import NodeImportWithoutUseNode
from convexlint.rules.prefer_convex_error import PreferConvexError
from convexlint.rules.prefer_internal_function import PreferInternalFunction
from convexlint.rules.require_access_control import RequireAccessControl
from convexlint.rules.require_args_validator import RequireArgsValidator
from convexlint.rules.require_internal_reference import RequireInternalReference
from convexlint.rules.require_returns_validator import RequireReturnsValidator
from convexlint.rules.returns_null_for_void import ReturnsNullForVoid
from convexlint.rules.use_node_only_actions import UseNodeOnlyActions
from convexlint.rules.use_v_id_for_references import UseVIdForReferences

IMPLEMENTATIONS: dict[str, type[Rule]] = {
    cls.id: cls
    for cls in (
        ExplicitTableIds,
        HttpActionCors,
        HttpEndpointDomain,
        HttpOptionsPreflight,
        ImportFromGenerated,
        ImportWrongRuntime,
        IndexNameConvention,
        InvalidArgsValidator,
        InvalidCron,
        InvalidFunctionPath,
        InvalidHttpRoute,
        InvalidIndexDefinition,
        InvalidTableName,
        InvalidUseNodeFile,
        NoClientActionCall,
        NoCollectInQuery,
        NoCollectLength,
        NoDbInAction,
        NoDuplicateIndexes,
        NoFilterAfterCollect,
        NoFilterInQuery,
        NoFloatingPromises,
        NoHardcodedSecrets,
        NoManualStorageUrl,
        NoNPlusOne,
        NoNondeterminismInQuery,
        NoOldRegisteredFunctionSyntax,
        NoProcessEnv,
        NoRunActionInMutation,
        NoRunInQueryMutation,
        NoSchemaImportCycle,
        NoSequentialRunCalls,
        NoSideEffectsInQuery,
        NoTopOfHourCrons,
        NoTryCatchInFunction,
        NoUnexportedFunction,
        NoUnknownIndex,
        NoUnknownTable,
        NoUnnecessaryRunAction,
        NodeImportWithoutUseNode,
        PreferConvexError,
        PreferInternalFunction,
        RequireAccessControl,
        RequireArgsValidator,
        RequireInternalReference,
        RequireReturnsValidator,
        ReturnsNullForVoid,
        UseNodeOnlyActions,
        UseVIdForReferences,
    )
}

#: Diagnostics the engine itself emits; always on unless ignored explicitly.

__all__ = ["IMPLEMENTATIONS", "META_RULES", "FileContext", "ProjectContext", "Rule"]
