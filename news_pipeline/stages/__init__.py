"""Incremental stages over the warehouse: each redoes only what changed since the last run.

Plain functions that take a Warehouse and return a report; the Dagster assets call them.
"""
