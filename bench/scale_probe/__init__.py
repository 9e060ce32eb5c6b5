"""A bench-only app whose migrations stand for "the next release" in `make bench-scale`: a column
and an index added to the largest jurisdiction table, then a data migration filling the column.
Written by the rules of docs/deployment.md ("Deploying at national size"). Never installed in
the product: bench/scale_probe_settings.py adds it for the deploy the bench measures."""
