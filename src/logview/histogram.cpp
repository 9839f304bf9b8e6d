#include "logview/histogram.h"

#include <algorithm>
#include <cmath>

namespace llm::logview {
namespace {
constexpr uint32_t kSubBits = 7;                 // 128 sub-buckets per power of two
constexpr uint64_t kSub = uint64_t{1} << kSubBits;
}  // namespace

uint32_t DurationHistogram::BucketOf(uint64_t us) {
  if (us < kSub) return static_cast<uint32_t>(us);
  const uint32_t msb = 63 - static_cast<uint32_t>(__builtin_clzll(us));
  const uint32_t shift = msb - kSubBits;  // us >> shift is in [128, 256)
  return static_cast<uint32_t>((shift + 1) * kSub + ((us >> shift) - kSub));
}

uint64_t DurationHistogram::BucketLow(uint32_t index) {
  if (index < kSub) return index;
  const uint32_t shift = index / kSub - 1;
  return (kSub + index % kSub) << shift;
}

uint64_t DurationHistogram::BucketHigh(uint32_t index) {
  if (index < kSub) return index + 1;
  const uint32_t shift = index / kSub - 1;
  return BucketLow(index) + (uint64_t{1} << shift);
}

void DurationHistogram::Add(double ms) {
  if (!(ms > 0)) ms = 0;
  const double us_d = std::min(ms * 1000.0, 1e18);
  const uint32_t b = BucketOf(static_cast<uint64_t>(us_d + 0.5));
  if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
  ++buckets_[b];
  if (count_ == 0 || ms < min_ms_) min_ms_ = ms;
  if (count_ == 0 || ms > max_ms_) max_ms_ = ms;
  ++count_;
  sum_ms_ += ms;
}

void DurationHistogram::Merge(const DurationHistogram& o) {
  if (o.count_ == 0) return;
  if (o.buckets_.size() > buckets_.size()) buckets_.resize(o.buckets_.size(), 0);
  for (size_t i = 0; i < o.buckets_.size(); ++i) buckets_[i] += o.buckets_[i];
  if (count_ == 0 || o.min_ms_ < min_ms_) min_ms_ = o.min_ms_;
  if (count_ == 0 || o.max_ms_ > max_ms_) max_ms_ = o.max_ms_;
  count_ += o.count_;
  sum_ms_ += o.sum_ms_;
}

double DurationHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(std::ceil(p * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const uint32_t idx = static_cast<uint32_t>(i);
      double mid_us = idx < kSub ? static_cast<double>(idx)
                                 : (static_cast<double>(BucketLow(idx)) + static_cast<double>(BucketHigh(idx)) - 1) / 2.0;
      return std::clamp(mid_us / 1000.0, min_ms_, max_ms_);
    }
  }
  return max_ms_;
}

}  // namespace llm::logview
