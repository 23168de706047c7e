"""The database models, split by feature."""

from .base import Base
from .places import Area, Place, PoliceArea
from .responses import SOURCES, Response

__all__ = ["SOURCES", "Area", "Base", "Place", "PoliceArea", "Response"]
