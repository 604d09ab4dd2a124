#!/bin/sh
# Copies the built files of the npm packages into the app's static folder.
set -e
cd "$(dirname "$0")"
dest=../src/chengguan/static/vendor
mkdir -p "$dest/leaflet/images" "$dest/htmx" "$dest/echarts"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$dest/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$dest/leaflet/images/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/"
