"""The `geo` stage: place mentions resolved with an offline gazetteer, and event locations.

- `Geoparser` (stage): fills `Document.places` with `PlaceMention`s resolved to GeoNames-style
  `Location`s (name, ISO3 country, admin1, lat/lon, geonames id, feature class, precision, raw).
- `locate_event(doc, start, end)`: where the event whose trigger is `doc.text[start:end]` happened.
"""

from .event_location import locate_event
from .gazetteer import Gazetteer, Place, distance_km, norm
from .parser import Geoparser

__all__ = ["Gazetteer", "Geoparser", "Place", "distance_km", "locate_event", "norm"]
