"""Open311 GeoReport v2 at /open311/v2/: services from the 派单目录, requests filed as tickets (channel
`open311`) through the intake service, published without personal data. See README "Open311"."""
