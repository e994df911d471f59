"""The outcomes registry: database models, migrations, services, users and the audit trail."""
