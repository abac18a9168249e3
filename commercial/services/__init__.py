"""Commercial's writes, split by sub-domain: contracts (renewals) today; growth, entertainment and
account plans each get a module of their own.

Import the submodule (`from commercial.services.contracts import contract_save`): the package
re-exports nothing, so importing one sub-domain never loads the others.
"""
