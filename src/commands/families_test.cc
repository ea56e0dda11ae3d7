// Every unit test runs against the full command table, as the server does.
#include "commands/families.h"

#include <gtest/gtest.h>

namespace redoubt::commands {
namespace {

class FamiliesEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { RegisterAllFamilies(); }
};

[[maybe_unused]] ::testing::Environment* const kFamilies =
    ::testing::AddGlobalTestEnvironment(new FamiliesEnvironment);

TEST(FamiliesTest, RegisteringTwiceKeepsOneTable) {
  size_t n = CommandTable::Get().size();
  RegisterAllFamilies();
  EXPECT_EQ(CommandTable::Get().size(), n);
  EXPECT_NE(CommandTable::Get().Lookup("get"), nullptr);
}

}  // namespace
}  // namespace redoubt::commands
