#include "core/cpu_topology.h"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

namespace llm {
namespace {

std::vector<int> AffinityCpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int i = 0; i < CPU_SETSIZE; ++i) {
      if (CPU_ISSET(i, &set)) cpus.push_back(i);
    }
  }
  if (cpus.empty()) {
    for (unsigned i = 0; i < std::max(1u, std::thread::hardware_concurrency()); ++i) cpus.push_back(static_cast<int>(i));
  }
  return cpus;
}

bool ReadInt(const std::string& path, long* out) {
  std::ifstream in(path);
  return static_cast<bool>(in >> *out);
}

// cgroup v2 cpu.max: "max 100000" (no quota) or "<quota> <period>".
double QuotaCpus(const std::string& sys_root) {
  std::ifstream in(sys_root + "/fs/cgroup/cpu.max");
  std::string quota;
  long period = 0;
  if (!(in >> quota >> period) || quota == "max" || period <= 0) return 0;
  char* end = nullptr;
  const double q = std::strtod(quota.c_str(), &end);
  return end != nullptr && *end == '\0' && q > 0 ? q / static_cast<double>(period) : 0;
}

}  // namespace

CpuTopology ReadCpuTopology(const std::vector<int>& cpus, const std::string& sys_root) {
  CpuTopology t;
  t.cpus = cpus;
  std::set<std::pair<long, long>> cores;  // (package, core)
  for (int cpu : t.cpus) {
    const std::string dir = sys_root + "/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    long package = 0, core = 0;
    if (!ReadInt(dir + "physical_package_id", &package) || !ReadInt(dir + "core_id", &core)) {
      package = -1;
      core = cpu;  // unreadable: a core of its own
    }
    if (cores.insert({package, core}).second) t.core_leaders.push_back(cpu);
  }
  t.quota_cpus = QuotaCpus(sys_root);
  return t;
}

CpuTopology DetectCpuTopology() { return ReadCpuTopology(AffinityCpus(), "/sys"); }

int DefaultComputeThreads(const CpuTopology& t) {
  int n = static_cast<int>(t.core_leaders.empty() ? t.cpus.size() : t.core_leaders.size());
  if (t.quota_cpus > 0) n = std::min(n, static_cast<int>(std::ceil(t.quota_cpus)));
  return std::max(1, n);
}

int DefaultComputeThreads() { return DefaultComputeThreads(DetectCpuTopology()); }

}  // namespace llm
