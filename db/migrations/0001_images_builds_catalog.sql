CREATE TYPE "public"."build_outcome" AS ENUM('RUNNING', 'SUCCEEDED', 'FAILED', 'SUPERSEDED');--> statement-breakpoint
CREATE TABLE "build_log_chunks" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"build_id" uuid NOT NULL,
	"text" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "builds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"image_id" uuid NOT NULL,
	"run_id" text NOT NULL,
	"generation" integer NOT NULL,
	"trigger" text NOT NULL,
	"inputs" jsonb,
	"outcome" "build_outcome" DEFAULT 'RUNNING' NOT NULL,
	"error" text,
	"docker_url" text,
	"digest" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "catalog_packages" (
	"build_id" uuid NOT NULL,
	"ecosystem" text NOT NULL,
	"name" text NOT NULL,
	"version" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "images" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org" text NOT NULL,
	"name" text NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "resource_status" DEFAULT 'INITIALIZED' NOT NULL,
	"reason" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"base_image_name" text NOT NULL,
	"language" text NOT NULL,
	"runtime_manifest" text DEFAULT '' NOT NULL,
	"system_packages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"docker_url" text,
	"digest" text,
	"current_build_id" uuid
);
--> statement-breakpoint
ALTER TABLE "build_log_chunks" ADD CONSTRAINT "build_log_chunks_build_id_builds_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."builds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "builds" ADD CONSTRAINT "builds_image_id_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_packages" ADD CONSTRAINT "catalog_packages_build_id_builds_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."builds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "build_log_chunks_build" ON "build_log_chunks" USING btree ("build_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "builds_run_id" ON "builds" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "builds_image" ON "builds" USING btree ("image_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_packages_entry" ON "catalog_packages" USING btree ("build_id","ecosystem","name");--> statement-breakpoint
CREATE UNIQUE INDEX "images_org_name" ON "images" USING btree ("org","name");--> statement-breakpoint
CREATE INDEX "images_org_base" ON "images" USING btree ("org","base_image_name");