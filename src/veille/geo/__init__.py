"""The `geo` stage: place mentions resolved with an offline gazetteer, and event locations.

- `Geoparser` (stage): fills `Document.places` with `PlaceMention`s resolved to GeoNames-style
  `Location`s (name, ISO3 country, admin1, lat/lon, geonames id, feature class, precision, raw).
- `locate_event(doc, start, end)`: where the event whose trigger is `doc.text[start:end]` happened.

`Location.precision` is one of: `country`, `admin1` (first-level subdivision), `admin2` (French
département), `region` (named region, continent, sea, disputed territory: a central point), `city`
(also a building or street placed at its town's point), `site` (cosmodrome, base, plant, crossing,
venue), or None for a place the gazetteer does not know, which then carries only the country the
document is about (no coordinates). `raw` is always the string as written.

The gazetteer (`Gazetteer`) is built once per `Geoparser` and cached in `$VEILLE_CACHE_DIR` or
`~/.cache/veille` (rebuilt when a source changes); `python -m veille.geo.build` regenerates the
shipped extracts in `data/common/`.
"""

from .event_location import locate_event
from .gazetteer import Gazetteer, Place, distance_km, norm
from .parser import Geoparser

__all__ = ["Gazetteer", "Geoparser", "Place", "distance_km", "locate_event", "norm"]
