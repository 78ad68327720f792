"""Keeps the rows whose y is above the threshold."""
import csv
import os

threshold = float(os.environ.get('THRESHOLD', '0'))
with open('data/raw.csv', newline='') as f:
    rows = list(csv.DictReader(f))
os.makedirs('data', exist_ok=True)
with open('data/clean.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['x', 'y'])
    for r in rows:
        if float(r['y']) > threshold:
            w.writerow([r['x'], r['y']])
