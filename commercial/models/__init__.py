from .contracts import (
    CONTRACT_MAX_BYTES,
    CONTRACT_TYPES,
    OLE2_MAGIC,
    Contract,
    ContractQuerySet,
    EntertainmentBudget,
    contract_upload_to,
    validate_contract_file,
)

__all__ = [
    "CONTRACT_TYPES",
    "CONTRACT_MAX_BYTES",
    "EntertainmentBudget",
    "OLE2_MAGIC",
    "validate_contract_file",
    "contract_upload_to",
    "ContractQuerySet",
    "Contract",
]
