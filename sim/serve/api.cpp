// SPDX-License-Identifier: MIT
#include "api.hpp"

#include "tiersim/io/scenario_schema.hpp"
#include "tiersim/version.hpp"

#include "job_result.hpp"
#include "run_data.hpp"
#include "workbench_assets.hpp"

#include <fstream>
#include <httplib.h>
#include <sstream>

namespace tiersim::serve {

namespace fs = std::filesystem;

namespace {

constexpr const char* json_type = "application/json; charset=utf-8";

void reply(httplib::Response& res, const Json& body, int status = 200) {
    res.status = status;
    res.set_content(body.dump(), json_type);
}

void reply_error(httplib::Response& res, int status, const std::string& what) {
    reply(res, {{"error", what}}, status);
}

Json errors_json(const std::vector<Diagnostic>& diagnostics) {
    Json out = Json::array();
    for (const auto& d : diagnostics)
        out.push_back({{"key", d.key}, {"message", d.str()}});
    return out;
}

/// The request body as JSON. @throws RequestError
Json body_of(const httplib::Request& req) {
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded())
        throw RequestError("the body is not JSON");
    return body;
}

/// "baseline" or "redesign" from ?arm=, else RequestError.
std::string arm_of(const httplib::Request& req) {
    const std::string arm = req.has_param("arm") ? req.get_param_value("arm") : "redesign";
    if (arm != "baseline" && arm != "redesign")
        throw RequestError("arm: expected baseline or redesign");
    return arm;
}

/// How a handler ends with a status other than 200 and 400: 404 (no such job), 409 (not done).
struct Refusal {
    int status;
    std::string what;
};

Json job_or_404(const JobQueue& jobs, const std::string& id) {
    auto job = jobs.get(id);
    if (!job)
        throw Refusal{404, "no such job"};
    return *job;
}

/// A job whose results exist. @throws Refusal
Json done_job(const JobQueue& jobs, const std::string& id) {
    Json job = job_or_404(jobs, id);
    if (job["state"] != "done")
        throw Refusal{409, "the job is " + job["state"].get<std::string>()};
    return job;
}

/// A handler's common frame: Refusal → its status, RequestError → 400 with the loader's errors,
/// ScenarioError → 400, anything else → 500, each as {"error": …}.
template <class F>
httplib::Server::Handler guarded(F f) {
    return [f](const httplib::Request& req, httplib::Response& res) {
        try {
            f(req, res);
        } catch (const Refusal& r) {
            reply_error(res, r.status, r.what);
        } catch (const RequestError& e) {
            Json body = {{"error", e.what()}};
            if (!e.diagnostics().empty())
                body["errors"] = errors_json(e.diagnostics());
            reply(res, body, 400);
        } catch (const ScenarioError& e) {
            reply(res,
                  {{"error", e.diagnostics().empty() ? e.what() : e.diagnostics().front().str()},
                   {"errors", errors_json(e.diagnostics())}},
                  400);
        } catch (const std::exception& e) {
            reply_error(res, 500, e.what());
        }
    };
}

void add_page(httplib::Server& server) {
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.set_redirect("/index.html");
    });
    for (const Asset& asset : workbench_assets()) {
        server.Get(std::string(asset.path),
                   [&asset](const httplib::Request&, httplib::Response& res) {
                       res.set_content(
                           asset.text.data(), asset.text.size(), std::string(asset.content_type));
                   });
    }
}

void add_scenario_routes(httplib::Server& server,
                         const Workspace& workspace,
                         ScenarioCatalog& catalog) {
    server.Get(
        "/api/version", guarded([&](const httplib::Request&, httplib::Response& res) {
            reply(res, {{"version", tiersim::version}, {"workspace", workspace.root().string()}});
        }));
    server.Get("/api/scenarios", guarded([&](const httplib::Request&, httplib::Response& res) {
                   reply(res, catalog.list());
               }));
    server.Get(R"(/api/scenarios/(.+))",
               guarded([&](const httplib::Request& req, httplib::Response& res) {
                   const std::string name = req.matches[1];
                   try {
                       (void)catalog.loader_name(name);
                   } catch (const RequestError& e) {
                       return reply_error(res, 404, e.what());
                   }
                   reply(res, catalog.details(name));
               }));
    server.Get("/api/schema", guarded([](const httplib::Request&, httplib::Response& res) {
                   res.set_content(io::schema::to_json(), json_type);
               }));
    server.Post("/api/validate", guarded([&](const httplib::Request& req, httplib::Response& res) {
                    const Json body = body_of(req);
                    const auto errors = catalog.validate(scenario_field(body),
                                                         body.value("set", Json::object()),
                                                         body.value("days", Json()));
                    reply(res, {{"ok", errors.empty()}, {"errors", errors_json(errors)}});
                }));
    server.Post("/api/overlays", guarded([&](const httplib::Request& req, httplib::Response& res) {
                    const Json body = body_of(req);
                    const std::string name = body.value("name", std::string());
                    if (!Workspace::is_overlay_name(name))
                        throw RequestError("name: expected 1–64 letters, digits, '-' or '_'");
                    const std::string scenario = scenario_field(body);
                    const Json set = body.value("set", Json::object());
                    if (const auto errors = catalog.validate(scenario, set, Json());
                        !errors.empty())
                        throw RequestError("the redesign is not a valid scenario", errors);
                    const auto path = workspace.inside(fs::path("scenarios") / (name + ".toml"));
                    if (!path)
                        throw RequestError("name: the overlay would be outside the workspace");
                    const std::string text =
                        catalog.overlay_text(scenario,
                                             set,
                                             body.value("description", "a redesign of " + scenario),
                                             path->parent_path());
                    write_file(*path, text);
                    reply(res,
                          {{"name", "workspace/" + name}, {"path", path->string()}, {"toml", text}},
                          201);
                }));
}

void add_job_routes(httplib::Server& server,
                    const Workspace& workspace,
                    ScenarioCatalog& catalog,
                    JobQueue& jobs) {
    constexpr const char* job = R"(/api/jobs/(j[0-9]{6}))";
    server.Get("/api/jobs", guarded([&](const httplib::Request&, httplib::Response& res) {
                   reply(res, jobs.list());
               }));
    server.Post("/api/jobs", guarded([&](const httplib::Request& req, httplib::Response& res) {
                    reply(res, jobs.submit(JobRequest::from_json(body_of(req))), 202);
                }));
    server.Get(job, guarded([&](const httplib::Request& req, httplib::Response& res) {
                   reply(res, job_or_404(jobs, req.matches[1]));
               }));
    server.Post(std::string(job) + "/cancel",
                guarded([&](const httplib::Request& req, httplib::Response& res) {
                    const std::string id = req.matches[1];
                    (void)job_or_404(jobs, id);
                    if (!jobs.cancel(id))
                        return reply_error(res, 409, "the job has ended");
                    reply(res, *jobs.get(id));
                }));
    server.Get(std::string(job) + "/result",
               guarded([&](const httplib::Request& req, httplib::Response& res) {
                   (void)done_job(jobs, req.matches[1]);
                   res.set_content(read_file(*jobs.folder(req.matches[1]) / "result.json"),
                                   json_type);
               }));
    server.Get(std::string(job) + "/series",
               guarded([&](const httplib::Request& req, httplib::Response& res) {
                   (void)done_job(jobs, req.matches[1]);
                   reply(res, series_json(*jobs.folder(req.matches[1]) / (arm_of(req) + "-1.h5")));
               }));
    server.Get(std::string(job) + "/units",
               guarded([&](const httplib::Request& req, httplib::Response& res) {
                   const Json j = done_job(jobs, req.matches[1]);
                   const std::string tier_name =
                       req.has_param("tier") ? req.get_param_value("tier") : "district";
                   int tier = -1;
                   for (std::size_t t = 0; t < io::schema::tier_values.size(); ++t)
                       if (io::schema::tier_values[t] == tier_name)
                           tier = static_cast<int>(t);
                   if (tier < 0 && tier_name != "all")
                       throw RequestError("tier: expected street, district, city, province or all");
                   const std::string arm = arm_of(req);
                   std::vector<fs::path> files;
                   for (int r = 1; r <= j["replications"].get<int>(); ++r)
                       files.push_back(*jobs.folder(req.matches[1]) /
                                       (arm + "-" + std::to_string(r) + ".h5"));
                   const Json details = catalog.details(j["scenario"]);
                   reply(res, units_json(files, tier, details.value("warmup_days", 0.0) * 24.0));
               }));
    server.Get(std::string(job) + R"(/files/((baseline|redesign)-([0-9]{1,2})\.h5))",
               guarded([&](const httplib::Request& req, httplib::Response& res) {
                   const auto folder = jobs.folder(req.matches[1]);
                   if (!folder)
                       return reply_error(res, 404, "no such job");
                   const auto path = workspace.inside(
                       fs::relative(*folder / std::string(req.matches[2]), workspace.root()));
                   if (!path || !fs::is_regular_file(*path))
                       return reply_error(res, 404, "no such file");
                   res.set_header("Content-Disposition",
                                  "attachment; filename=\"" + std::string(req.matches[1]) + "-" +
                                      std::string(req.matches[2]) + "\"");
                   res.set_content(read_file(*path), "application/x-hdf5");
               }));
    server.Get(
        std::string(job) + "/events", [&jobs](const httplib::Request& req, httplib::Response& res) {
            const std::string id = req.matches[1];
            if (!jobs.get(id))
                return reply_error(res, 404, "no such job");
            res.set_header("Cache-Control", "no-cache");
            res.set_chunked_content_provider(
                "text/event-stream",
                [&jobs, id, version = std::uint64_t{~0ULL}](std::size_t,
                                                            httplib::DataSink& sink) mutable {
                    const auto change =
                        jobs.wait_change(id, version, std::chrono::milliseconds(200));
                    if (!change) {
                        sink.done();
                        return true;
                    }
                    const bool ended =
                        change->first["state"] != "queued" && change->first["state"] != "running";
                    if (change->second != version || ended) {
                        version = change->second;
                        const std::string text = std::string("event: ") +
                                                 (ended ? "end" : "progress") +
                                                 "\ndata: " + change->first.dump() + "\n\n";
                        if (!sink.write(text.data(), text.size()))
                            return false;
                    }
                    if (ended)
                        sink.done();
                    return true;
                });
        });
}

}  // namespace

void add_routes(httplib::Server& server,
                const Workspace& workspace,
                ScenarioCatalog& catalog,
                JobQueue& jobs) {
    add_page(server);
    add_scenario_routes(server, workspace, catalog);
    add_job_routes(server, workspace, catalog, jobs);
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (res.body.empty())
            reply(res, {{"error", "no such resource: " + req.path}}, res.status);
    });
}

}  // namespace tiersim::serve
