#include "vm/policy.hpp"

#include <catch2/catch.hpp>

using namespace bulkhead::vm;
using Catch::Matchers::Contains;

TEST_CASE("policy: by default every app domain may open files in disposables", "[policy]")
{
	const PolicyConfig config;
	const Decision d = decide_open_in_disposable(config, "work", Role::App);
	CHECK(d.verdict == Verdict::Allow);
	CHECK_THAT(d.reason, Contains("domain 'work' is an app domain"));
}

TEST_CASE("policy: a list names the domains that may", "[policy]")
{
	const PolicyConfig config{std::vector<std::string>{"mail", "dvm", "disp1"}};
	CHECK(decide_open_in_disposable(config, "mail", Role::App).verdict == Verdict::Allow);
	const Decision d = decide_open_in_disposable(config, "work", Role::App);
	CHECK(d.verdict == Verdict::Deny);
	CHECK(d.reason == "domain 'work' is not listed in disposables.open_from");
	// being listed does not change what a template or disposable gets
	CHECK(decide_open_in_disposable(config, "dvm", Role::DisposableTemplate).verdict == Verdict::Deny);
	CHECK(decide_open_in_disposable(config, "disp1", Role::Disposable).verdict == Verdict::Ask);
	CHECK(decide_open_in_disposable(PolicyConfig{std::vector<std::string>{}}, "mail", Role::App).verdict ==
		Verdict::Deny);
}

TEST_CASE("policy: disposables ask the user, templates and strangers are denied", "[policy]")
{
	const PolicyConfig config;
	const Decision disp = decide_open_in_disposable(config, "disp4", Role::Disposable);
	CHECK(disp.verdict == Verdict::Ask);
	CHECK(disp.reason == "domain 'disp4' is a disposable asking to start another disposable");
	for (Role role : {Role::Template, Role::DisposableTemplate}) {
		const Decision d = decide_open_in_disposable(config, "t", role);
		CHECK(d.verdict == Verdict::Deny);
		CHECK_THAT(d.reason, Contains("templates may not open files"));
	}
	const Decision unknown = decide_open_in_disposable(config, "other", std::nullopt);
	CHECK(unknown.verdict == Verdict::Deny);
	CHECK(unknown.reason == "domain 'other' is not managed by Bulkhead");
	CHECK(to_string(Verdict::Allow) == "allow");
	CHECK(to_string(Verdict::Ask) == "ask");
	CHECK(to_string(Verdict::Deny) == "deny");
}
