import { Module } from '@nestjs/common';
import { defaultWebUiDir, WebUiAssets } from './web-ui.assets';
import { WebUiController } from './web-ui.controller';

/** The web UI: the SPA built into dist/web-ui, served at `/` by the API process (it talks to the REST API only). */
@Module({
  controllers: [WebUiController],
  providers: [{ provide: WebUiAssets, useFactory: () => new WebUiAssets(defaultWebUiDir()) }],
})
export class WebUiModule {}
