/** A tiny application on the published Duplex artifacts, run on the module path. */
module dev.duplex.it {
    requires dev.duplex.server;
    requires com.fasterxml.jackson.databind;

    exports dev.duplex.it;
}
