// Status and StatusOr: the one error type of jitlite. No exceptions cross the
// public API; every fallible call returns a Status or a StatusOr<T>. Messages
// are user-grade and get annotated as they travel up ("node 12 CONV_2D: ...").
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace jitlite {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad model, bad argument (Python: ValueError)
  kFailedPrecondition,  // wrong call order, stale state (Python: RuntimeError)
  kUnimplemented,       // unsupported op / dtype (Python: RuntimeError or ValueError)
  kOutOfRange,          // index out of range (Python: ValueError)
  kInternal,            // a bug or an LLVM failure (Python: RuntimeError)
  kInvalidData,         // bad tensor contents met while invoking, e.g. an
                        // index out of range (Python: RuntimeError)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<prefix>: <message>".
  Status Annotate(const std::string& prefix) const {
    if (ok()) return *this;
    return Status(code_, prefix + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status FailedPrecondition(std::string m) {
  return Status(StatusCode::kFailedPrecondition, std::move(m));
}
inline Status Unimplemented(std::string m) {
  return Status(StatusCode::kUnimplemented, std::move(m));
}
inline Status OutOfRange(std::string m) {
  return Status(StatusCode::kOutOfRange, std::move(m));
}
inline Status Internal(std::string m) {
  return Status(StatusCode::kInternal, std::move(m));
}
inline Status InvalidData(std::string m) {
  return Status(StatusCode::kInvalidData, std::move(m));
}

// Holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "StatusOr needs a value or an error");
  }
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace jitlite

#define JITLITE_CONCAT_INNER(a, b) a##b
#define JITLITE_CONCAT(a, b) JITLITE_CONCAT_INNER(a, b)

#define JITLITE_RETURN_IF_ERROR(expr)          \
  do {                                         \
    ::jitlite::Status _jl_status = (expr);     \
    if (!_jl_status.ok()) return _jl_status;   \
  } while (0)

#define JITLITE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#define JITLITE_ASSIGN_OR_RETURN(lhs, expr) \
  JITLITE_ASSIGN_OR_RETURN_IMPL(JITLITE_CONCAT(_jl_or_, __LINE__), lhs, expr)
