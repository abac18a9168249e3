"""Commercial forms, one module per sub-domain."""
