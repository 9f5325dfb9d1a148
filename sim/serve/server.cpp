// SPDX-License-Identifier: MIT
#include "server.hpp"

#include "tiersim/error.hpp"

#include "api.hpp"
#include "child_process.hpp"

#include <chrono>
#include <httplib.h>
#include <iostream>
#include <thread>

namespace tiersim::serve {

namespace {

bool is_loopback(const std::string& host) {
    return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

}  // namespace

int run_server(const ServerOptions& options, const std::atomic<bool>& stop) {
    if (!is_loopback(options.host) && !options.allow_remote) {
        std::cerr << "tiersim: error: --host " << options.host
                  << " would let other machines run jobs and read the workspace; add "
                     "--allow-remote if that is what you want\n";
        return 2;
    }
    if (!is_loopback(options.host))
        std::cerr << "tiersim: warning: listening on " << options.host
                  << ": anyone who can reach it can run jobs and read the workspace (there is "
                     "no login)\n";
    const Workspace workspace(options.workspace);
    ScenarioCatalog catalog(workspace);
    JobQueue jobs(workspace, catalog, self_executable());

    httplib::Server server;
    server.set_payload_max_length(1 << 20);  // a request is a scenario name and some levers
    add_routes(server, workspace, catalog, jobs);
    const int port = options.port == 0
                         ? server.bind_to_any_port(options.host)
                         : (server.bind_to_port(options.host, options.port) ? options.port : -1);
    if (port < 0) {
        std::cerr << "tiersim: error: cannot listen on " << options.host << ":" << options.port
                  << " (is another server there? choose another --port)\n";
        return 3;
    }
    const std::string host =
        options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
    std::cout << "tiersim workbench: http://" << host << ":" << port << "/  (workspace "
              << workspace.root().string() << "; Ctrl-C stops)" << std::endl;

    std::thread watcher([&] {
        while (!stop.load() && !server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        while (!stop.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        jobs.shutdown();  // first: it ends the events streams, whose threads server.stop() joins
        server.stop();
    });
    server.listen_after_bind();
    watcher.join();
    std::cout << "tiersim workbench: stopped" << std::endl;
    return 0;
}

}  // namespace tiersim::serve
