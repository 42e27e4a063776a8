"""Your own data, as people bring it: real public tables, loaded and trained as a user would.

Each table is written as the CSV a person downloads (class names, integer codes,
many columns, text columns, empty cells), read with nnviz's CSV reader, given the
setup :func:`nnviz.data.propose_setup` proposes, and trained for 1000 steps — one
Step ×1000 with no setting touched. Printed per table: what the proposal chose, the
test accuracy (classification) or the test RMSE against predicting the training mean
(regression), and whether the target is met. With ``--seeds N`` the run is repeated
for network seeds 0 … N−1 and the worst figure is shown too.

The tables, and where they come from (none is shipped with nnviz; they are read
from the copies that installed Python packages carry — install them for the
benchmark only: ``.venv/bin/pip install scikit-learn palmerpenguins``):

* **iris** — Fisher's iris flowers (150 rows, 4 measurements, 3 species by name);
  UCI Machine Learning Repository, CC BY 4.0; scikit-learn's ``iris.csv``.
* **breast cancer** — Breast Cancer Wisconsin (Diagnostic), Wolberg, Street and
  Mangasarian (569 rows, 30 columns, diagnosis M/B); UCI, CC BY 4.0;
  scikit-learn's ``breast_cancer.csv``.
* **wine** — Forina et al.'s wine recognition data (178 rows, 13 columns, cultivar
  0/1/2 as integer codes); UCI, CC BY 4.0; scikit-learn's ``wine_data.csv``.
* **diabetes** — Efron, Hastie, Johnstone and Tibshirani's diabetes data (442 rows,
  10 columns, disease progression 25–346: regression), from "Least Angle Regression"
  (2004); distributed with scikit-learn (BSD-3-Clause), its own licence unstated —
  another reason to read it from there and ship nothing.
* **digits** — Optical Recognition of Handwritten Digits, Alpaydin and Kaynak (1797
  rows, 8×8 pixels, 64 columns); UCI, CC BY 4.0; scikit-learn's ``digits.csv.gz``.
* **penguins** — Palmer penguins, Gorman, Williams and Fraser (344 rows, species by
  name, the text columns island and sex, empty cells); CC0 1.0; the
  ``palmerpenguins`` package (MIT).

Run: ``.venv/bin/python benchmarks/bench_data.py [--seeds 5]``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from nnviz import Network, Trainer
from nnviz.data import prepare, propose_setup, read_csv_table, to_csv_bytes

STEPS = 1000

BREAST_CANCER_COLUMNS = [
    f"{name}_{kind}"
    for kind in ("mean", "se", "worst")
    for name in (
        "radius",
        "texture",
        "perimeter",
        "area",
        "smoothness",
        "compactness",
        "concavity",
        "concave_points",
        "symmetry",
        "fractal_dimension",
    )
]
WINE_COLUMNS = [
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity_of_ash",
    "magnesium",
    "total_phenols",
    "flavanoids",
    "nonflavanoid_phenols",
    "proanthocyanins",
    "color_intensity",
    "hue",
    "od280_od315",
    "proline",
]
IRIS_COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
DIABETES_COLUMNS = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _sklearn_file(name: str) -> Path:
    base = _package_dir("sklearn")
    if base is None:
        sys.exit(
            "This benchmark reads the tables scikit-learn's package carries: "
            ".venv/bin/pip install scikit-learn palmerpenguins"
        )
    return base / "datasets" / "data" / name


def _sklearn_table(name: str, columns: list[str], target: str, labels=None) -> pd.DataFrame:
    """One of scikit-learn's bundled CSVs (a count line, then rows ending in the class
    code) as a table with column names — the class as names when ``labels`` are given."""
    lines = _sklearn_file(name).read_text().splitlines()
    body = np.loadtxt(io.StringIO("\n".join(lines[1:])), delimiter=",")
    df = pd.DataFrame(body[:, :-1], columns=columns)
    codes = body[:, -1].astype(int)
    df[target] = [labels[c] for c in codes] if labels else codes
    return df


def iris() -> pd.DataFrame:
    names = ["setosa", "versicolor", "virginica"]
    return _sklearn_table("iris.csv", IRIS_COLUMNS, "species", names)


def breast_cancer() -> pd.DataFrame:
    df = _sklearn_table("breast_cancer.csv", BREAST_CANCER_COLUMNS, "diagnosis", ["M", "B"])
    return df[["diagnosis", *BREAST_CANCER_COLUMNS]]  # as the usual download: diagnosis first


def wine() -> pd.DataFrame:
    return _sklearn_table("wine_data.csv", WINE_COLUMNS, "class")


def diabetes() -> pd.DataFrame:
    with gzip.open(_sklearn_file("diabetes_data_raw.csv.gz"), "rt") as f:
        X = np.loadtxt(f)
    with gzip.open(_sklearn_file("diabetes_target.csv.gz"), "rt") as f:
        y = np.loadtxt(f)
    df = pd.DataFrame(X, columns=DIABETES_COLUMNS)
    df["progression"] = y
    return df


def digits() -> pd.DataFrame:
    with gzip.open(_sklearn_file("digits.csv.gz"), "rt") as f:
        body = np.loadtxt(f, delimiter=",")
    df = pd.DataFrame(body[:, :-1], columns=[f"pixel_{r}_{c}" for r in range(8) for c in range(8)])
    df["digit"] = body[:, -1].astype(int)
    return df


def penguins() -> pd.DataFrame:
    base = _package_dir("palmerpenguins")
    if base is None:
        sys.exit("This table comes with the palmerpenguins package: pip install palmerpenguins")
    return pd.read_csv(base / "data" / "penguins.csv")


@dataclass(frozen=True)
class Case:
    name: str
    load: object
    kind: str  # "accuracy" | "rmse"
    target: float | None  # the least test accuracy, or None: beat the mean


CASES = [
    Case("iris (species by name)", iris, "accuracy", 0.90),
    Case("breast cancer (30 columns, M/B)", breast_cancer, "accuracy", 0.90),
    Case("wine (13 columns, codes 0/1/2)", wine, "accuracy", 0.85),
    Case("diabetes (10 columns, regression)", diabetes, "rmse", None),
    Case("digits (8x8 images, 64 columns)", digits, "accuracy", None),
    Case("penguins (text columns, gaps)", penguins, "accuracy", None),
]


def as_uploaded(df: pd.DataFrame) -> pd.DataFrame:
    """The table as the app gets it from a user's CSV file: written, then read back."""
    text = df.to_csv(index=False).encode()
    return read_csv_table(text)


def train_proposed(table: pd.DataFrame, seed: int = 0, steps: int = STEPS) -> dict:
    """The proposed setup, trained for ``steps`` steps: the test figures."""
    proposal = propose_setup(table)
    s = proposal.settings
    data = prepare(
        table,
        list(s["inputs"]),
        list(s["targets"]),
        scaling=s["scaling"],
        target_max=s["target_max"],
        output_activation=s["output_activation"],
        features=list(s["features"]),
        task=s["problem"],
        gaps=s["gaps"],
        train_share=s["train_ratio"],
    )
    net = Network(
        [data.n_inputs, *s["hidden"], data.n_outputs],
        activation=s["activation"],
        output_activation=s["output_activation"],
        bias=s["bias"],
        init=s["init"],
        seed=seed,
    )
    trainer = Trainer(
        net,
        data.X_train,
        data.y_train,
        loss=s["loss"],
        optimizer=s["optimizer"],
        learning_rate=s["learning_rate"],
        batch_size=s["batch_size"],
        l1=s["l1"],
        l2=s["l2"],
        seed=seed,
        X_test=data.X_test,
        y_test=data.y_test,
    )
    t0 = time.perf_counter()
    trainer.run(steps)
    seconds = time.perf_counter() - t0
    out = {"proposal": proposal, "data": data, "seconds": seconds}
    if s["problem"] == "classification":
        out["test"] = trainer.accuracy(data.X_test, data.y_test)
        out["train"] = trainer.accuracy(data.X_train, data.y_train)
    else:
        inv = data.scaler.inverse_y
        truth = inv(data.y_test)
        pred = inv(net.forward(data.X_test))
        mean = inv(data.y_train).mean(axis=0)
        out["test"] = float(np.sqrt(np.mean((pred - truth) ** 2)))
        out["baseline"] = float(np.sqrt(np.mean((mean - truth) ** 2)))
        out["r2"] = 1 - float(np.sum((pred - truth) ** 2) / np.sum((mean - truth) ** 2))
    return out


def _met(case: Case, result: dict) -> bool:
    if case.kind == "rmse":
        return result["test"] < result["baseline"]
    return case.target is None or result["test"] >= case.target


def _figure(case: Case, r: dict) -> str:
    if case.kind == "rmse":
        return (
            f"test RMSE {r['test']:.1f} vs {r['baseline']:.1f} predicting the mean "
            f"(R² {r['r2']:.2f})"
        )
    goal = f" (target ≥ {case.target:.0%})" if case.target else ""
    return f"test accuracy {r['test']:.1%}{goal}, train {r['train']:.1%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1, help="network seeds 0 … N-1")
    args = parser.parse_args()
    failed = 0
    for case in CASES:
        table = as_uploaded(case.load())
        csv_bytes = len(to_csv_bytes(table))
        results = [train_proposed(table, seed) for seed in range(args.seeds)]
        first = results[0]
        data = first["data"]
        print(
            f"\n== {case.name}: {table.shape[0]} rows × {table.shape[1]} columns, {csv_bytes:,} bytes"
        )
        for line in first["proposal"].choices:
            print(f"   · {line}")
        for note in data.notes:
            print(f"   ! {note}")
        ok = all(_met(case, r) for r in results)
        failed += not ok
        print(
            f"   {len(data.train_index)} train / {len(data.test_index)} test rows, "
            f"{STEPS} steps in {first['seconds']:.2f} s: {_figure(case, first)}"
            f" — {'met' if ok else 'NOT MET'}"
        )
        if len(results) > 1:
            worst = min(results, key=lambda r: r["test"] if case.kind != "rmse" else -r["test"])
            print(f"   worst of seeds 0–{args.seeds - 1}: {_figure(case, worst)}")
    print(f"\n{len(CASES) - failed} of {len(CASES)} tables met their targets.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
