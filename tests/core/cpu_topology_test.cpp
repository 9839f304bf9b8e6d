#include "core/cpu_topology.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace llm {
namespace {

namespace fs = std::filesystem;

// A fake /sys: `cores[i]` is the core id of logical CPU i (all in package 0).
class FakeSys {
 public:
  explicit FakeSys(const std::vector<int>& cores, const std::string& cpu_max = "") {
    root_ = fs::temp_directory_path() / ("llm-cpu-topology-" + std::to_string(std::random_device{}()));
    for (size_t i = 0; i < cores.size(); ++i) {
      const fs::path dir = root_ / "devices/system/cpu" / ("cpu" + std::to_string(i)) / "topology";
      fs::create_directories(dir);
      std::ofstream(dir / "core_id") << cores[i] << "\n";
      std::ofstream(dir / "physical_package_id") << 0 << "\n";
    }
    if (!cpu_max.empty()) {
      fs::create_directories(root_ / "fs/cgroup");
      std::ofstream(root_ / "fs/cgroup/cpu.max") << cpu_max << "\n";
    }
  }
  ~FakeSys() { fs::remove_all(root_); }
  std::string root() const { return root_.string(); }

 private:
  fs::path root_;
};

TEST(CpuTopology, TheAffinityMaskIsRead) {
  const CpuTopology t = DetectCpuTopology();
  EXPECT_FALSE(t.cpus.empty());
  EXPECT_FALSE(t.core_leaders.empty());
  EXPECT_LE(t.core_leaders.size(), t.cpus.size());
  EXPECT_GE(DefaultComputeThreads(), 1);
}

TEST(CpuTopology, SmtSiblingsCountAsOneCore) {
  FakeSys sys({0, 0, 1, 1});  // CPUs 0/1 and 2/3 share a core
  const CpuTopology t = ReadCpuTopology({0, 1, 2, 3}, sys.root());
  EXPECT_EQ(t.core_leaders, (std::vector<int>{0, 2}));
  EXPECT_EQ(DefaultComputeThreads(t), 2);
  // Only the CPUs of the mask count: CPU 1 alone is one core.
  EXPECT_EQ(ReadCpuTopology({1}, sys.root()).core_leaders, (std::vector<int>{1}));
}

TEST(CpuTopology, ACgroupQuotaBoundsTheThreads) {
  FakeSys sys({0, 1, 2, 3, 4, 5, 6, 7}, "150000 100000");
  const CpuTopology t = ReadCpuTopology({0, 1, 2, 3, 4, 5, 6, 7}, sys.root());
  EXPECT_DOUBLE_EQ(t.quota_cpus, 1.5);
  EXPECT_EQ(t.core_leaders.size(), 8u);
  EXPECT_EQ(DefaultComputeThreads(t), 2);
  FakeSys unlimited({0}, "max 100000");
  EXPECT_EQ(ReadCpuTopology({0}, unlimited.root()).quota_cpus, 0);
}

TEST(CpuTopology, AnUnreadableTopologyCountsEachCpuAsACore) {
  FakeSys empty({});
  const CpuTopology t = ReadCpuTopology({0, 1, 2}, empty.root());
  EXPECT_EQ(t.core_leaders, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(DefaultComputeThreads(t), 3);
}

}  // namespace
}  // namespace llm
