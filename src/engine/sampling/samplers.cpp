#include "engine/sampling/samplers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <random>
#include <unordered_map>

namespace llm::engine {
namespace {

template <typename... Args>
std::string Format(const char* format, Args... args) {
  char buffer[160];
  std::snprintf(buffer, sizeof(buffer), format, args...);
  return buffer;
}

bool Before(const TokenCandidate& a, const TokenCandidate& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

class PenaltySampler final : public Sampler {
 public:
  PenaltySampler(float repeat, int32_t last_n, float freq, float presence)
      : repeat_(repeat), last_n_(last_n), freq_(freq), presence_(presence) {}

  void Apply(CandidateSet& c) override {
    if (last_n_ == 0 || counts_.empty()) return;
    if (repeat_ == 1.0f && freq_ == 0.0f && presence_ == 0.0f) return;
    for (const auto& [token, count] : counts_) {
      TokenCandidate* cand = Find(c, token);
      if (cand != nullptr) Penalise(*cand, count);
    }
    c.sorted = false;
  }

  void Accept(int32_t token) override {
    if (last_n_ == 0) return;
    history_.push_back(token);
    ++counts_[token];
    if (last_n_ > 0 && history_.size() > static_cast<size_t>(last_n_)) {
      auto it = counts_.find(history_.front());
      if (--it->second == 0) counts_.erase(it);
      history_.pop_front();
    }
  }

  void Reset() override {
    history_.clear();
    counts_.clear();
  }
  std::string Describe() const override {
    return Format("penalties(last_n=%d, repeat=%.3f, frequency=%.3f, presence=%.3f)", last_n_,
                  repeat_, freq_, presence_);
  }

 private:
  // The candidate of `token`: direct index when the set is the untouched vocabulary row.
  static TokenCandidate* Find(CandidateSet& c, int32_t token) {
    if (token >= 0 && static_cast<size_t>(token) < c.items.size() && c.items[token].id == token) {
      return &c.items[token];
    }
    for (auto& cand : c.items) {
      if (cand.id == token) return &cand;
    }
    return nullptr;
  }

  void Penalise(TokenCandidate& cand, int32_t count) const {
    if (cand.logit <= 0.0f) {
      cand.logit *= repeat_;
    } else {
      cand.logit /= repeat_;
    }
    cand.logit -= static_cast<float>(count) * freq_ + (count > 0 ? presence_ : 0.0f);
  }

  float repeat_;
  int32_t last_n_;
  float freq_;
  float presence_;
  std::deque<int32_t> history_;
  std::unordered_map<int32_t, int32_t> counts_;
};

class TopKSampler final : public Sampler {
 public:
  explicit TopKSampler(int32_t k) : k_(k) {}
  std::string Describe() const override { return Format("top-k(%d)", k_); }
  void Apply(CandidateSet& c) override {
    if (k_ <= 0 || c.items.empty()) return;
    const size_t k = std::min(static_cast<size_t>(k_), c.items.size());
    if (!c.sorted) {
      std::partial_sort(c.items.begin(), c.items.begin() + k, c.items.end(), Before);
      c.sorted = true;
    }
    c.items.resize(k);
  }

 private:
  int32_t k_;
};

class TopPSampler final : public Sampler {
 public:
  explicit TopPSampler(float p) : p_(p) {}
  std::string Describe() const override { return Format("top-p(%.3f)", p_); }
  // Sorts only as much of the head as the mass p needs: a doubling partial sort instead of
  // sorting a whole 128k-token vocabulary.
  void Apply(CandidateSet& c) override {
    if (p_ >= 1.0f || c.items.empty()) return;
    SoftmaxCandidates(c);
    float cum = 0.0f;
    size_t i = 0;
    const size_t n = c.items.size();
    for (size_t head = std::min<size_t>(64, n);; head = std::min(head * 2, n)) {
      SortHead(c, i, head);
      for (; i < head; ++i) {
        cum += c.items[i].p;
        if (cum >= p_) {
          c.items.resize(i + 1);
          c.sorted = true;
          return;
        }
      }
      if (head == n) return;  // rounding kept the mass below p: keep everything (now sorted)
    }
  }

 private:
  float p_;
};

class MinPSampler final : public Sampler {
 public:
  explicit MinPSampler(float p) : p_(p) {}
  std::string Describe() const override { return Format("min-p(%.3f)", p_); }
  void Apply(CandidateSet& c) override {
    if (p_ <= 0.0f || c.items.empty()) return;
    float max_logit = -std::numeric_limits<float>::infinity();
    for (const auto& cand : c.items) max_logit = std::max(max_logit, cand.logit);
    const float min_logit = max_logit + std::log(p_);
    // The top candidate always satisfies logit >= min_logit, so the set never empties.
    std::erase_if(c.items, [&](const TokenCandidate& t) { return t.logit < min_logit; });
  }

 private:
  float p_;
};

class TemperatureSampler final : public Sampler {
 public:
  explicit TemperatureSampler(float t) : t_(t) {}
  std::string Describe() const override { return Format("temperature(%.3f)", t_); }
  void Apply(CandidateSet& c) override {
    for (auto& cand : c.items) cand.logit /= t_;
  }

 private:
  float t_;
};

class GreedySampler final : public Sampler {
 public:
  std::string Describe() const override { return "greedy"; }
  void Apply(CandidateSet& c) override {
    if (c.items.empty()) return;
    size_t best = 0;
    for (size_t i = 1; i < c.items.size(); ++i) {
      if (Before(c.items[i], c.items[best])) best = i;
    }
    c.selected = static_cast<int32_t>(best);
  }
};

// A uniform double in [0, 1) from two 32-bit draws: the same on every standard library,
// unlike std::uniform_real_distribution.
double UniformDouble(std::mt19937& rng) {
  const uint64_t a = rng() >> 5;  // 27 bits
  const uint64_t b = rng() >> 6;  // 26 bits
  return static_cast<double>((a << 26) | b) * (1.0 / 9007199254740992.0);
}

std::mt19937 SeededEngine(uint64_t seed) {
  if (seed <= 0xFFFFFFFFull) return std::mt19937(static_cast<uint32_t>(seed));
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
  return std::mt19937(seq);
}

class DistSampler final : public Sampler {
 public:
  explicit DistSampler(uint64_t seed) : seed_(seed), rng_(SeededEngine(seed)) {}
  std::string Describe() const override {
    return Format("dist(seed=%llu)", static_cast<unsigned long long>(seed_));
  }
  void Apply(CandidateSet& c) override {
    if (c.items.empty()) return;
    SoftmaxCandidates(c);
    double total = 0.0;
    for (const auto& cand : c.items) total += cand.p;
    const double target = UniformDouble(rng_) * total;
    double cum = 0.0;
    for (size_t i = 0; i < c.items.size(); ++i) {
      cum += c.items[i].p;
      if (target < cum) {
        c.selected = static_cast<int32_t>(i);
        return;
      }
    }
    c.selected = static_cast<int32_t>(c.items.size() - 1);  // rounding left target at the end
  }
  void Reset() override { rng_ = SeededEngine(seed_); }

 private:
  uint64_t seed_;
  std::mt19937 rng_;
};

}  // namespace

void SortCandidates(CandidateSet& c) {
  if (c.sorted) return;
  std::sort(c.items.begin(), c.items.end(), Before);
  c.sorted = true;
}

void SortHead(CandidateSet& c, size_t done, size_t n) {
  if (c.sorted) return;
  auto first = c.items.begin() + static_cast<std::ptrdiff_t>(done);
  if (n >= c.items.size()) {
    std::sort(first, c.items.end(), Before);
    c.sorted = true;
    return;
  }
  auto last = c.items.begin() + static_cast<std::ptrdiff_t>(n);
  std::nth_element(first, last, c.items.end(), Before);
  std::sort(first, last, Before);
}

void SoftmaxCandidates(CandidateSet& c) {
  if (c.items.empty()) return;
  size_t top = 0;
  for (size_t i = 1; i < c.items.size(); ++i) {
    if (Before(c.items[i], c.items[top])) top = i;
  }
  const float max_logit = c.items[top].logit;
  if (!std::isfinite(max_logit)) {  // every logit is -inf (or the top is +inf): all mass on the top
    for (auto& cand : c.items) cand.p = 0.0f;
    c.items[top].p = 1.0f;
    return;
  }
  double sum = 0.0;
  for (auto& cand : c.items) {
    cand.p = std::exp(cand.logit - max_logit);
    sum += cand.p;
  }
  const float scale = static_cast<float>(1.0 / sum);
  for (auto& cand : c.items) cand.p *= scale;
}

std::unique_ptr<Sampler> MakePenaltySampler(float repeat_penalty, int32_t last_n,
                                            float frequency_penalty, float presence_penalty) {
  return std::make_unique<PenaltySampler>(repeat_penalty, last_n, frequency_penalty,
                                          presence_penalty);
}
std::unique_ptr<Sampler> MakeTopKSampler(int32_t k) { return std::make_unique<TopKSampler>(k); }
std::unique_ptr<Sampler> MakeTopPSampler(float p) { return std::make_unique<TopPSampler>(p); }
std::unique_ptr<Sampler> MakeMinPSampler(float p) { return std::make_unique<MinPSampler>(p); }
std::unique_ptr<Sampler> MakeTemperatureSampler(float t) {
  return std::make_unique<TemperatureSampler>(t);
}
std::unique_ptr<Sampler> MakeGreedySampler() { return std::make_unique<GreedySampler>(); }
std::unique_ptr<Sampler> MakeDistSampler(uint64_t seed) {
  return std::make_unique<DistSampler>(seed);
}

}  // namespace llm::engine
