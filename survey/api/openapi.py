"""The OpenAPI 3.1 description of the API, with the situation picture's JSON Schema inside."""

from __future__ import annotations

import copy
import functools
import json
from importlib.resources import files
from typing import Any

SCHEMA_PREFIX = "Lagesbild_"


@functools.cache
def _picture_schema() -> dict[str, Any]:
    """The JSON Schema of the picture, its $defs moved into components (refs rewritten)."""
    schema = json.loads((files("analysis") / "lagesbild.schema.json").read_text("utf-8"))
    defs = schema.pop("$defs", {})
    schema.pop("$schema", None)
    canonical = schema.pop("$id", None)

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: (
                    "#/components/schemas/" + SCHEMA_PREFIX + value.removeprefix("#/$defs/")
                    if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/")
                    else rewrite(value)
                )
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    components = {SCHEMA_PREFIX + name: rewrite(value) for name, value in defs.items()}
    picture = rewrite(schema)
    _public_variant(picture, components)
    picture["description"] = (
        f"{picture.get('description', '')} The JSON contract {canonical} in its public form, "
        "as a published release stores it: a hidden cell carries no n (only "
        "suppressed=true); counts of answers are rounded to the nearest 5; shares and their "
        "intervals are whole percent (two decimals of a fraction); scores have one decimal; "
        "hidden gender and age groups are left out; dialogues.mentions[].quotes and the "
        "priorities' generated explanations are left out. `release` says which release "
        "this is."
    ).strip()
    return {"Lagesbild": picture, **components}


def _public_variant(picture: dict[str, Any], components: dict[str, Any]) -> None:
    """Loosen the analysis schema where the public form leaves things out; describe the release."""
    proportion = components.get(SCHEMA_PREFIX + "proportion", {})
    proportion["required"] = ["suppressed"]
    figures = components.get(SCHEMA_PREFIX + "figures", {})
    figures["required"] = [k for k in figures.get("required", []) if k != "n"]
    for item in picture["properties"]["places"]["items"].get("allOf", []):
        if "required" in item:
            item["required"] = [k for k in item["required"] if k != "n"]
    _public_items(picture, components)
    priorities = picture["properties"]["priorities"]["items"]
    priorities["required"] = [k for k in priorities["required"] if k != "explanation"]
    picture["required"] = [*picture["required"], "release"]
    picture["properties"]["release"] = {"$ref": "#/components/schemas/ReleaseInfo"}


#: What a hidden cell of an added item must not carry in public.
ITEM_FIGURES = ("n", "share", "ci", "options", "mean", "mean_ci", "not_substantive")


def _public_items(picture: dict[str, Any], components: dict[str, Any]) -> None:
    """The added items' cells in public form: hidden ones bare, counts rounded, no exact dk."""
    cell = components.get(SCHEMA_PREFIX + "item_cell")
    if cell is None:
        return
    cell["required"] = ["suppressed"]
    cell["properties"].pop("not_substantive", None)
    cell["description"] = (
        "One figure of an added item for a place, a group or the whole area. Hidden "
        "(suppressed=true: fewer answers than the threshold, or hidden by secondary "
        "suppression or the disclosure audit so that no hidden cell can be worked out): only "
        "suppressed, no n, share, interval, options or mean. Shown: n rounded to the nearest "
        "5, shares and intervals in whole percent, mean and mean_ci with one decimal; the "
        "count of answers such as don't know is left out."
    )
    cell["if"] = {"properties": {"suppressed": {"const": True}}, "required": ["suppressed"]}
    cell["then"] = {"not": {"anyOf": [{"required": [key]} for key in ITEM_FIGURES]}}
    items = picture["properties"].get("items")
    if items:
        items["description"] = (
            f"{items.get('description', '')} The by_group cells follow the same rules; "
            "a hidden gender or age group is left out."
        ).strip()


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ok(description: str, schema_ref: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {
            "ETag": {"$ref": "#/components/headers/ETag"},
            "Cache-Control": {"$ref": "#/components/headers/CacheControl"},
        },
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


COMMON = {
    "304": {"description": "Not modified: the ETag in If-None-Match still matches."},
    "400": _error("Bad request: an unknown or invalid query parameter."),
    "405": _error("Method not allowed: the API is read-only."),
    "429": _error("Too many requests from this address; see Retry-After."),
    "500": _error("Internal error."),
}

AREA_PARAM = {
    "name": "area",
    "in": "path",
    "required": True,
    "description": "The area's slug, e.g. bromma.",
    "schema": {"type": "string"},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An ETag from an earlier response; 304 when it still matches.",
    "schema": {"type": "string"},
}

LINKS = {
    "type": "object",
    "required": ["self", "places", "lagesbild"],
    "properties": {
        "self": {"type": "string"},
        "places": {"type": "string"},
        "lagesbild": {"type": "string"},
    },
}
PLACE = {
    "type": "object",
    "required": ["slug", "name", "retired"],
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "retired": {
            "type": "boolean",
            "description": "A retired place takes no new answers but keeps its history.",
        },
    },
}
SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "A stable, machine-readable code."},
            "message": {"type": "string", "description": "What went wrong, in English."},
        },
    },
    "Place": PLACE,
    "AreaSummary": {
        "type": "object",
        "required": ["slug", "name", "links"],
        "properties": {"slug": {"type": "string"}, "name": {"type": "string"}, "links": LINKS},
    },
    "AreaList": {
        "type": "object",
        "required": ["areas"],
        "properties": {
            "areas": {"type": "array", "items": {"$ref": "#/components/schemas/AreaSummary"}}
        },
    },
    "Area": {
        "type": "object",
        "required": ["slug", "name", "places", "rounds", "releases", "links"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "places": {"type": "array", "items": {"$ref": "#/components/schemas/Place"}},
            "rounds": {
                "type": "array",
                "description": "The survey rounds covering the area, newest first.",
                "items": {
                    "type": "object",
                    "required": ["id", "name", "opens_on", "closes_on", "links"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "opens_on": {"type": "string", "format": "date"},
                        "closes_on": {"type": ["string", "null"], "format": "date"},
                        "links": {
                            "type": "object",
                            "required": ["lagesbild"],
                            "properties": {"lagesbild": {"type": "string"}},
                        },
                    },
                },
            },
            "releases": {
                "type": "array",
                "description": "The area's published releases, newest first.",
                "items": {"$ref": "#/components/schemas/ReleaseInfo"},
            },
            "links": LINKS,
        },
    },
    "ReleaseInfo": {
        "type": "object",
        "description": "A published release: an immutable snapshot, readable at links.self.",
        "required": ["id", "round_id", "sequence", "published_at", "data_cutoff", "links"]
        + ["weighted", "n_eff"],
        "properties": {
            "id": {"type": "integer"},
            "weighted": {"type": "boolean", "description": "Survey figures raked to population."},
            "n_eff": {"type": ["integer", "null"], "description": "Kish's n, rounded to 5."},
            "round_id": {"type": ["integer", "null"]},
            "sequence": {"type": "integer", "description": "1, 2, ... within its round."},
            "published_at": {"type": "string", "format": "date-time"},
            "data_cutoff": {"type": ["string", "null"], "format": "date-time"},
            "links": {
                "type": "object",
                "required": ["self"],
                "properties": {"self": {"type": "string"}},
            },
        },
    },
    "PlaceList": {
        "type": "object",
        "required": ["area", "places"],
        "properties": {
            "area": {"type": "string"},
            "places": {"type": "array", "items": {"$ref": "#/components/schemas/Place"}},
        },
    },
}

DESCRIPTION = """\
Read-only, public figures of the Trygghet perceived-safety survey: areas, their places and \
each area's situation picture (lokal lägesbild).

Only aggregates leave through this API, never a single answer, comment or dialogue note. \
Any figure resting on fewer than {threshold} answers is `{{"suppressed": true}}`: fewer than \
{threshold} answers, with no count, share, score or interval, and secondary suppression and a \
disclosure audit hide further cells where a hidden one could be worked out by subtraction.

The figures are published releases, not live data: an organizer publishes an immutable \
snapshot of an area's picture (per round); new answers change nothing here until the next \
release. Each release stays readable at `?release=ID`. Between two releases of a round a \
shown figure changes only if its number of answers changed by at least {threshold} (or not at \
all), so comparing releases tells nothing about single answers. Counts of answers are rounded \
to the nearest 5 and shares are whole percent.

There are deliberately no gender, age or date filters: the only choices are the survey \
round, the release and the language. Each picture covers exactly one round, and \
rounds never share an answer, so no combination of requests narrows a group below the \
threshold by subtracting one picture from another. Answers recorded outside any round \
(some imports) are not published here.

Responses carry an ETag (send it back in If-None-Match for a 304) and \
`Cache-Control: public, max-age=300`; any origin may read them (CORS, no credentials). \
Requests are rate-limited per client address; over the limit the answer is 429. \
Errors are JSON: `{{"error": code, "message": text}}`."""


def openapi_document(threshold: int) -> dict[str, Any]:
    """The whole OpenAPI document, with the configured suppression threshold in its text."""
    area_responses = {"404": _error("There is no such area."), **COMMON}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Trygghet public API",
            "version": "1.0.0",
            "description": DESCRIPTION.format(threshold=threshold),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/areas": {
                "get": {
                    "operationId": "listAreas",
                    "summary": "Every area",
                    "parameters": [IF_NONE_MATCH],
                    "responses": {"200": _ok("The areas, in name order.", "AreaList"), **COMMON},
                }
            },
            "/api/v1/areas/{area}": {
                "get": {
                    "operationId": "getArea",
                    "summary": "One area with its places and survey rounds",
                    "parameters": [AREA_PARAM, IF_NONE_MATCH],
                    "responses": {"200": _ok("The area.", "Area"), **area_responses},
                }
            },
            "/api/v1/areas/{area}/places": {
                "get": {
                    "operationId": "listPlaces",
                    "summary": "The places of an area, retired ones included",
                    "parameters": [AREA_PARAM, IF_NONE_MATCH],
                    "responses": {"200": _ok("The places.", "PlaceList"), **area_responses},
                }
            },
            "/api/v1/areas/{area}/lagesbild": {
                "get": {
                    "operationId": "getLagesbild",
                    "summary": "The situation picture of an area for one survey round",
                    "description": (
                        "Only `round`, `release` and `lang` are accepted; any other parameter "
                        "is a 400. Serves the newest release of the area (of the round, when "
                        "`round` is given), or the release asked for."
                    ),
                    "parameters": [
                        AREA_PARAM,
                        {
                            "name": "round",
                            "in": "query",
                            "required": False,
                            "description": (
                                "A survey round of the area (see the area's rounds); "
                                "default: the newest round that has opened."
                            ),
                            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                        },
                        {
                            "name": "release",
                            "in": "query",
                            "required": False,
                            "description": "A release of the area (see the area's releases).",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                        },
                        {
                            "name": "lang",
                            "in": "query",
                            "required": False,
                            "description": "Accepted for older clients; releases carry no prose.",
                            "schema": {"type": "string", "enum": ["sv", "en"], "default": "sv"},
                        },
                        IF_NONE_MATCH,
                    ],
                    "responses": {
                        "200": _ok("The situation picture.", "Lagesbild"),
                        **{
                            **area_responses,
                            "404": _error(
                                "No such area, round or release of the area, or nothing "
                                "published yet (error not_published)."
                            ),
                        },
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenAPI",
                    "summary": "This document",
                    "parameters": [IF_NONE_MATCH],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        **COMMON,
                    },
                }
            },
        },
        "components": {
            "schemas": {**copy.deepcopy(SCHEMAS), **copy.deepcopy(_picture_schema())},
            "headers": {
                "ETag": {
                    "description": "A hash of the response body.",
                    "schema": {"type": "string"},
                },
                "CacheControl": {
                    "description": "public, max-age=300",
                    "schema": {"type": "string"},
                },
            },
        },
    }
