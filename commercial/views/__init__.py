"""Commercial pages, one module per sub-domain (contracts; growth, entertainment and plans to come)."""
