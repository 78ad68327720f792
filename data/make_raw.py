"""Make data/raw.csv: the seed example's raw data (deterministic; run it to regenerate)."""
from pathlib import Path

import numpy as np
import pandas as pd


def make(rows: int = 200, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({f"col{i}": rng.normal(size=rows).round(4) for i in range(1, 6)})
    df["col3"] = (2 * df["col1"] - df["col2"] + rng.normal(scale=0.1, size=rows)).round(4)
    df["target"] = (df["col3"] > 0).astype(int)
    df.loc[rng.choice(rows, size=5, replace=False), "col2"] = np.nan  # rows to clean
    return df


if __name__ == "__main__":
    out = Path(__file__).with_name("raw.csv")
    make().to_csv(out, index=False)
    print(f"wrote {out}")
