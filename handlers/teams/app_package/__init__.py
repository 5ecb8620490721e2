"""The Teams app package: manifest, icons, and the script that fills and zips them."""
