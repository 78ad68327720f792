# %% [markdown]
# Sums what clean kept, beside what get made.

# %%
import csv

# %% tags=["parameters"]
upstream = {'get': None, 'clean': None}
product = None

# %%
with open(upstream['get']['data']) as f:
    made = len(list(csv.DictReader(f)))
with open(upstream['clean']['data']) as f:
    kept = [int(r['y']) for r in csv.DictReader(f)]
with open(product['summary'], 'w') as f:
    f.write(f'{made} made, {len(kept)} kept, sum {sum(kept)}\n')
