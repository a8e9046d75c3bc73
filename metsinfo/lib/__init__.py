"""Small helpers the apps share, with no models and no URLs: client address, cache backends, health, staff groups."""
