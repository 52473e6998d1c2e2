"""The project's Definitions, with every run's steps in one process (for the UI test only).

Dagster's default multiprocess executor starts a fresh Python process per step (about a dozen
here, each importing spaCy); on a busy two-core CI machine that alone takes minutes. The UI,
the buttons and the assets are the same; only the step-launching differs.
"""

import dagster as dg

from news_pipeline.definitions import defs as project_defs

defs = (project_defs if project_defs.executor is not None
        else dg.Definitions.merge(project_defs, dg.Definitions(executor=dg.in_process_executor)))
