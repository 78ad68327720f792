"""Pipelines of other tools, in and out: importers by format (elyra, ploomber), exporters
by target (elyra, ploomber, airflow, kfp), each a module behind one registry (registry.py) that
other packages extend through entry points. core/ and run/ never import this package."""
from .actions import export_file, import_file, open_pipeline
from .registry import (
    Exporter,
    Imported,
    Importer,
    exporters,
    importers,
    register_exporter,
    register_importer,
)

__all__ = ["Exporter", "Imported", "Importer", "export_file", "exporters", "import_file",
           "importers", "open_pipeline", "register_exporter", "register_importer"]
