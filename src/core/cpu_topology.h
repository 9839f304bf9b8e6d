// The CPUs a compute pool should use: the ones this process may run on (its affinity mask, as
// a container's cpuset or `taskset` sets it), counted as physical cores -- SMT siblings share
// one core's vector units, so a second compute thread on a core only adds contention -- and
// bounded by a cgroup CPU quota (cpu.max) when one is set.
#pragma once

#include <string>
#include <vector>

namespace llm {

struct CpuTopology {
  std::vector<int> cpus;          // logical CPUs in the affinity mask
  std::vector<int> core_leaders;  // of those, the first of each physical core
  double quota_cpus = 0;          // cgroup cpu.max quota / period; 0: no quota
};

// The topology of `cpus` from /sys/devices/system/cpu/cpuN/topology and the cgroup's cpu.max
// under `sys_root` (a test passes a fake tree). A CPU whose topology is unreadable counts as a
// core of its own.
CpuTopology ReadCpuTopology(const std::vector<int>& cpus, const std::string& sys_root);
// ReadCpuTopology of this process's affinity mask under /sys.
CpuTopology DetectCpuTopology();

// The compute threads to use by default: the physical cores of the affinity mask, at most the
// quota rounded up, at least 1.
int DefaultComputeThreads(const CpuTopology& topology);
int DefaultComputeThreads();

}  // namespace llm
