// DockerEngine module.
