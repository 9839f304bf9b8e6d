// A mergeable log-linear histogram of durations (HDR-histogram style) for percentiles in
// memory independent of the number of values. Values are recorded in microseconds; values
// below 128 us are exact, larger ones fall in buckets 1/128 of their power of two wide, so a
// reported percentile is within 0.4% (half a bucket) of the exact nearest-rank value.
#pragma once

#include <cstdint>
#include <vector>

namespace llm::logview {

class DurationHistogram {
 public:
  // Records one duration in milliseconds (negative values count as 0).
  void Add(double ms);
  // Adds every count of `other` to this histogram.
  void Merge(const DurationHistogram& other);
  // The nearest-rank p-quantile (0 < p <= 1) in milliseconds, the midpoint of its bucket
  // clamped to the exact min/max; 0 when empty.
  double Percentile(double p) const;
  uint64_t count() const { return count_; }
  double min_ms() const { return count_ ? min_ms_ : 0; }
  double max_ms() const { return count_ ? max_ms_ : 0; }
  double sum_ms() const { return sum_ms_; }

  // The bucket index of a value in microseconds, and the bounds [low, high) of a bucket.
  static uint32_t BucketOf(uint64_t us);
  static uint64_t BucketLow(uint32_t index);
  static uint64_t BucketHigh(uint32_t index);

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  double sum_ms_ = 0;
  double min_ms_ = 0;
  double max_ms_ = 0;
};

}  // namespace llm::logview
