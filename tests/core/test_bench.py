"""`digitpad bench train`, `models` and `latency` (predictor part) on tiny settings: they run
end to end and report every number they promise, sane and consistent (never how fast)."""

from __future__ import annotations

import json

from digitpad.bench import latency, model_speed, reference_recipe, train_speed
from digitpad.cli import main


def test_bench_train_runs_both_recipes_and_reports_each(shared_data, capsys):
    code = main(["bench", "train", "--data-dir", str(shared_data), "--limit", "1000",
                 "--max-epochs", "1", "--target", "0.3", "--threads", "1", "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["train_images"] == result["test_images"] == 1000
    assert result["threads"] == 1 and "cores" in result["machine"]
    for name in ("default", "reference"):
        r = result[name]
        assert r["epochs"] == 1 and len(r["accuracy_per_epoch"]) == 1
        assert 0 <= r["final_accuracy"] <= 1
        assert r["train_seconds"] > 0 and r["images_per_s"] > 0 and r["images_trained"] > 0
        reached = r["final_accuracy"] >= 0.3
        assert (r["seconds_to_target"] is not None) == reached
        if reached:
            assert 0 < r["seconds_to_target"] <= r["train_seconds"]
    d, ref = result["default"]["seconds_to_target"], result["reference"]["seconds_to_target"]
    if d is not None and ref is not None:
        assert result["speedup"] == ref / d
    else:
        assert result["speedup"] is None
    if d is not None and ref is None:  # only the reference missed: a lower bound instead
        assert result["speedup_at_least"] == result["reference"]["train_seconds"] / d
    else:
        assert result["speedup_at_least"] is None
    rows = dict(train_speed.format_rows(result))
    assert "speed-up (reference s / default s)" in rows and "default" in rows


def test_bench_train_stops_at_the_time_cap(shared_data):
    result = train_speed.bench_train(shared_data, target=0.999, max_epochs=5, max_seconds=0.05,
                                     limit=1000, threads=1)
    for name in ("default", "reference"):
        r = result[name]
        assert r["seconds_to_target"] is None and r["epochs"] == 1  # scored once, then stopped
    assert result["speedup"] is None and result["speedup_at_least"] is None


def test_speed_up_lower_bound_when_only_the_reference_misses_the_target():
    result = {"train_images": 10, "test_images": 10, "threads": 1, "target": 0.99,
              "speedup": None, "speedup_at_least": 5.0}
    for name, reached in (("default", 20.0), ("reference", None)):
        result[name] = {"recipe": name, "seconds_to_target": reached, "final_accuracy": 0.99,
                        "epochs": 3, "images_per_s": 100.0, "train_seconds": 100.0}
    rows = dict(train_speed.format_rows(result))
    assert rows["speed-up (reference s / default s)"].startswith("more than 5.0x")
    assert "did not reach 99.0% in 100 s" in rows["speed-up (reference s / default s)"]


def test_reference_layout_is_what_torchvision_reads(shared_data, tmp_path):
    root = reference_recipe.torchvision_layout(shared_data / "mnist", tmp_path)
    train_loader, test_loader = reference_recipe.loaders(root, limit=None)
    assert len(train_loader.dataset) == 24_680 and len(test_loader.dataset) == 10_000
    images, labels = next(iter(test_loader))
    assert images.shape == (1000, 1, 28, 28) and labels.max() <= 9
    assert not any(p.name.endswith(".gz") for p in (root / "MNIST" / "raw").iterdir())


def test_bench_models_times_each_chosen_model(capsys):
    code = main(["bench", "models", "--models", "softmax,mlp,lenet5", "--steps", "1",
                 "--warmup", "0", "--batch-size", "8", "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert [m["model"] for m in result["models"]] == ["softmax", "mlp", "lenet5"]
    for m in result["models"]:
        assert m["parameters"] > 0 and m["images_per_s"] > 0 and m["seconds_per_step"] > 0
        assert m["input"] == [1, 28, 28] and m["steps"] == 1
    assert len(model_speed.format_rows(result)) == 4


def test_resnet18_is_timed_at_its_own_size_without_pretrained_weights():
    m = model_speed.time_model("resnet18", batch_size=2, steps=1, warmup=0)
    assert m["input"] == [3, 128, 128] and m["steps"] == 1 and m["parameters"] > 10_000_000


def test_bench_models_rejects_an_unknown_name(capsys):
    assert main(["bench", "models", "--models", "nope", "--steps", "1"]) == 1
    assert "Unknown model 'nope'" in capsys.readouterr().err


def test_predictor_latency_reports_percentiles_and_preprocessing_share(trained_model_file):
    result = latency.bench_predict(trained_model_file, calls=20, warmup=2)
    for part in ("predict", "preprocess"):
        p = result[part]
        assert p["n"] == 20 and 0 < p["p50_ms"] <= p["p95_ms"]
    assert result["preprocess_share"] > 0 and result["label"] in [str(i) for i in range(10)]
    assert result["image"] == [280, 280]


def test_bench_latency_without_the_window_from_the_command_line(trained_model_file, capsys):
    code = main(["bench", "latency", "--model", str(trained_model_file), "--calls", "5",
                 "--no-gui", "--image-size", "560"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Predictor.predict p50 / p95 (560×560 px)" in out and "draw-to-bars" not in out


def test_seven_image_is_dark_ink_on_white():
    image = latency.seven_image(100)
    assert image.shape == (100, 100) and image.dtype.name == "uint8"
    assert image[0, 0] == 255 and image.min() == 0
