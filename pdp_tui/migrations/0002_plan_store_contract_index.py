"""An index on (store, contract number): a store's contract-number prefix search reads
only its own matches instead of walking the whole store."""


def up(migrator, db):
    migrator.migrate(migrator.add_index("plan", ("store_id", "contract_number"), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("plan", "plan_store_id_contract_number"))
