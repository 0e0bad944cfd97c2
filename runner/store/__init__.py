"""The persistent store: ORM models, migrations, runs, portal records, reviews."""
