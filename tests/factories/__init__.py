"""What the tests build: sample records, profiles, patients, registries and clinics, one module
per area, and the readers that take them apart again. Fixtures stay in the conftest files and call
these; no test module imports from another test module or from a conftest.

profiles: candidate profile, values answers. procedures: procedure documents. registry: staff
and patient records for the services. cases: hand-made registries for analytics. cli: the CLI
clinic. exports, fhir: filled registries for the exports. pages, workspace, browser: web forms,
the signed-in workspace client, the served app and browser pages. databases: test databases.
"""
