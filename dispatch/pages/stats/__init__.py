"""Dashboard statistics: roll-up maintenance (services.py) and the dashboard's reads (selectors.py)."""
