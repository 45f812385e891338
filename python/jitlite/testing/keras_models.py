"""Keras reference models converted to .tflite, cached outside git.

Built with tensorflow-cpu (weights=None: random init, no download) and kept
in $JITLITE_MODEL_CACHE (default ~/.cache/jitlite/models), keyed by name and
TensorFlow version, so the conversion cost is paid once per machine.
"""
import os
import pathlib

CACHE_DIR = pathlib.Path(os.environ.get("JITLITE_MODEL_CACHE",
                                        pathlib.Path.home() / ".cache" / "jitlite" / "models"))


def _builders():
    import tensorflow as tf

    apps = tf.keras.applications
    return {
        "mobilenet_v1": lambda: apps.MobileNet(weights=None, input_shape=(224, 224, 3)),
        "mobilenet_v2": lambda: apps.MobileNetV2(weights=None, input_shape=(224, 224, 3)),
        "mobilenet_v3_small": lambda: apps.MobileNetV3Small(weights=None, input_shape=(224, 224, 3)),
        "mobilenet_v3_large": lambda: apps.MobileNetV3Large(weights=None, input_shape=(224, 224, 3)),
        "efficientnet_b0": lambda: apps.EfficientNetB0(weights=None, input_shape=(224, 224, 3)),
    }


def keras_model_path(name: str) -> pathlib.Path:
    """Path of the float32 .tflite for a named Keras model, converting it on first use."""
    import tensorflow as tf

    path = CACHE_DIR / f"{name}_tf{tf.__version__}.tflite"
    if path.exists():
        return path
    tf.keras.utils.set_random_seed(0)
    model = _builders()[name]()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    data = converter.convert()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(path)  # atomic: concurrent test runs never see half a file
    return path
