"""Where answers are about: a local police area, its areas and their places."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class PoliceArea(Base):
    """A lokalpolisområde (LPO), e.g. Vällingby."""

    __tablename__ = "police_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    areas: Mapped[list[Area]] = relationship(back_populates="police_area", order_by="Area.name")


class Area(Base):
    """An ansvarsområde within a police area, e.g. Bromma."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    police_area_id: Mapped[int] = mapped_column(ForeignKey("police_area.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: For a district of a larger municipality (Bromma in Stockholm): the municipality's name
    #: as crime feeds write it. Events there count for the area only when their text names the
    #: area, one of its aliases or one of its places ("matched by text").
    municipality: Mapped[str | None] = mapped_column(String(200))

    police_area: Mapped[PoliceArea] = relationship(back_populates="areas")
    places: Mapped[list[Place]] = relationship(back_populates="area", order_by="Place.name")
    aliases: Mapped[list[AreaAlias]] = relationship(
        back_populates="area", order_by="AreaAlias.name", cascade="all, delete-orphan"
    )


class AreaAlias(Base):
    """Another name crime feeds use for an area: a municipality's or a district's spelling."""

    __tablename__ = "area_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The name folded for matching (case, å/ä/ö, spaces, hyphens): one area per name.
    key: Mapped[str] = mapped_column(String(200), unique=True)

    area: Mapped[Area] = relationship(back_populates="aliases")


class Place(Base):
    """A place residents talk about: a square, a station, a centre."""

    __tablename__ = "place"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    #: The stable name in URLs, QR posters, imports and exports, e.g. ``brommaplan``.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: A retired place takes no new answers and is not listed, but keeps its history.
    retired: Mapped[bool] = mapped_column(default=False, server_default=false())

    area: Mapped[Area] = relationship(back_populates="places")
