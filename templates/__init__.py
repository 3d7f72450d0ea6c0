"""The jinja2 templates of jifen (installed as the package jifen_cli.templates)."""
