"""Small TF programs (tf.function / tf.Module, not Keras) converted to .tflite once and cached
next to the Keras test models ($JITLITE_MODEL_CACHE), for the control-flow and resource-variable
tests that want the converter's own form of a construct."""

import os

import pytest

from jitlite.testing.keras_models import CACHE_DIR


def _module_converter(tf, module):
    """The converter of a tf.Module's __call__, with its resource variables kept."""
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [module.__call__.get_concrete_function()], module)
    converter.experimental_enable_resource_variables = True
    return converter


def _growing_while_loop(tf):
    """acc = x ([1, 2]); n times: acc = concat(acc, acc[-1:] * 2 + 1) (shape_invariants [None, 2])."""
    @tf.function(input_signature=[tf.TensorSpec([], tf.int32), tf.TensorSpec([1, 2], tf.float32)])
    def grow(n, x):
        def body(i, acc):
            return i + 1, tf.concat([acc, acc[-1:] * 2.0 + 1.0], axis=0)
        _, acc = tf.while_loop(lambda i, acc: i < n, body, [tf.constant(0), x],
                               shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 2])])
        return acc
    return tf.lite.TFLiteConverter.from_concrete_functions([grow.get_concrete_function()])


def _variable_module(tf):
    """A tf.Module whose tf.Variable starts from a computed value; each call adds x to it and
    returns variable * x."""
    class Accumulator(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = tf.Variable(tf.range(6, dtype=tf.float32) * 2.0 + 1.0)

        @tf.function(input_signature=[tf.TensorSpec([6], tf.float32)])
        def __call__(self, x):
            self.v.assign_add(x)
            return self.v * x
    return _module_converter(tf, Accumulator())


def _variable_in_loop(tf):
    """v (ones) is updated n times in a tf.while_loop: v = v * 0.5 + x; returns v * 2. The
    converter passes the variable's handle to the WHILE as a loop variable."""
    class Decay(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = tf.Variable(tf.ones([3]))

        @tf.function(input_signature=[tf.TensorSpec([], tf.int32), tf.TensorSpec([3], tf.float32)])
        def __call__(self, n, x):
            def body(i):
                self.v.assign(self.v * 0.5 + x)
                return (i + 1,)
            tf.while_loop(lambda i: i < n, body, [tf.constant(0)])
            return self.v.read_value() * 2.0
    return _module_converter(tf, Decay())


def _where_count_loop(tf):
    """acc += the number of x > i (tf.shape(tf.where(...))[0]) for i in 0..n-1; x is [5]."""
    @tf.function(input_signature=[tf.TensorSpec([], tf.int32), tf.TensorSpec([5], tf.float32)])
    def count(n, x):
        def body(i, acc):
            rows = tf.where(x > tf.cast(i, tf.float32))
            return i + 1, acc + tf.cast(tf.shape(rows)[0], tf.float32)
        _, acc = tf.while_loop(lambda i, acc: i < n, body, [tf.constant(0), tf.constant(0.0)])
        return acc
    return tf.lite.TFLiteConverter.from_concrete_functions([count.get_concrete_function()])


BUILDERS = {"growing_while_loop": _growing_while_loop, "variable_module": _variable_module,
            "variable_in_loop": _variable_in_loop, "where_count_loop": _where_count_loop}


def tf_function_model(name):
    """The converted model's bytes (skips the test without TensorFlow)."""
    tf = pytest.importorskip("tensorflow")
    path = CACHE_DIR / f"{name}_tf{tf.__version__}.tflite"
    if not path.exists():
        data = BUILDERS[name](tf).convert()
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path.read_bytes()
