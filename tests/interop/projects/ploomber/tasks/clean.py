# %%
import csv

# %% tags=["parameters"]
upstream = ['get']
product = None
limit = 10

# %%
with open(upstream['get']['data'], newline='') as f:
    rows = [r for r in csv.DictReader(f) if int(r['y']) <= limit]
with open(product['data'], 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['x', 'y'])
    for r in rows:
        w.writerow([r['x'], r['y']])
